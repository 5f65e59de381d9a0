"""curl 8.5.0's command line and URLs: the options the sandbox honours, with curl's own error texts."""

from __future__ import annotations

from dataclasses import dataclass, field

VERSION = "8.5.0"
#: Seconds until the kernel gives up on an unanswered SYN with tcp_syn_retries=6 (measured on a 6.x kernel).
SYN_TIMEOUT = 135.209
TRY = "curl: try 'curl --help' or 'curl --manual' for more information\n"

HELP = """Usage: curl [options...] <url>
 -d, --data <data>           HTTP POST data
 -f, --fail                  Fail fast with no output on HTTP errors
 -h, --help <category>       Get help for commands
 -i, --include               Include protocol response headers in the output
 -o, --output <file>         Write to file instead of stdout
 -O, --remote-name           Write output to a file named as the remote file
 -s, --silent                Silent mode
 -T, --upload-file <file>    Transfer local FILE to destination
 -u, --user <user:password>  Server user and password
 -A, --user-agent <name>     Send User-Agent <name> to server
 -v, --verbose               Make the operation more talkative
 -V, --version               Show version number and quit

This is not the full help, this menu is stripped into categories.
Use "--help category" to get an overview of all categories.
For all options use the manual or "--help all".
"""

VERSION_TEXT = (f"curl {VERSION} (x86_64-pc-linux-gnu) libcurl/{VERSION} OpenSSL/3.0.13 zlib/1.3 brotli/1.1.0 "
                "zstd/1.5.5 libidn2/2.3.7 libpsl/0.21.2 (+libidn2/2.3.7) libssh/0.10.6/openssl/zlib nghttp2/1.59.0 "
                "librtmp/2.3 OpenLDAP/2.6.7\n"
                "Release-Date: 2023-12-06, security patched: 8.5.0-2ubuntu10.6\n"
                "Protocols: dict file ftp ftps gopher gophers http https imap imaps ldap ldaps mqtt pop3 pop3s "
                "rtmp rtmpe rtmps rtmpt rtmpte rtmpts rtsp scp sftp smb smbs smtp smtps telnet tftp\n"
                "Features: alt-svc AsynchDNS brotli GSS-API HSTS HTTP2 HTTPS-proxy IDN IPv6 Kerberos Largefile "
                "libz NTLM PSL SPNEGO SSL threadsafe TLS-SRP UnixSockets zstd\n")

# Long name -> (short letter or "", takes an argument).
_LONG = {"silent": ("s", False), "show-error": ("S", False), "verbose": ("v", False), "head": ("I", False),
         "include": ("i", False), "fail": ("f", False), "insecure": ("k", False), "location": ("L", False),
         "ipv4": ("4", False), "max-time": ("m", True), "connect-timeout": ("", True), "output": ("o", True),
         "write-out": ("w", True), "header": ("H", True), "request": ("X", True), "user-agent": ("A", True),
         "data": ("d", True), "help": ("h", False), "version": ("V", False), "http1.1": ("", False),
         "no-progress-meter": ("", False), "url": ("", True), "noproxy": ("", True), "retry": ("", True)}
_SHORT = {"s": False, "S": False, "v": False, "I": False, "i": False, "f": False, "k": False, "L": False,
          "4": False, "m": True, "o": True, "w": True, "H": True, "X": True, "A": True, "d": True, "h": False,
          "V": False}
_BY_LETTER = {letter: name for name, (letter, _) in _LONG.items() if letter}


@dataclass
class Options:
    """What one curl command line asks for."""

    urls: list[str] = field(default_factory=list)
    silent: bool = False
    show_error: bool = False
    verbose: bool = False
    head: bool = False
    include: bool = False
    fail: bool = False
    ipv4: bool = False
    insecure: bool = False
    max_time: float = 0.0
    connect_timeout: float = 0.0
    output: str | None = None
    write_out: str | None = None
    headers: list[str] = field(default_factory=list)
    method: str | None = None
    user_agent: str = f"curl/{VERSION}"
    data: str | None = None
    no_meter: bool = False
    help: bool = False
    version: bool = False


class UsageError(Exception):
    """A bad command line: curl prints the message (and the "try" line) and exits 2."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


def _number(flag: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise UsageError(f"curl: option {flag}: expected a proper numerical parameter\n{TRY}") from None
    if number != number:
        raise UsageError(f"curl: option {flag}: expected a proper numerical parameter\n{TRY}")
    if number < 0:
        raise UsageError(f"curl: option {flag}: expected a positive numerical parameter\n{TRY}")
    return number


def _set(opts: Options, name: str, value: str | None, flag: str) -> None:
    if name in ("silent", "show-error", "verbose", "head", "include", "fail", "ipv4", "help", "version", "insecure"):
        setattr(opts, {"show-error": "show_error"}.get(name, name), True)
    elif name == "max-time":
        opts.max_time = _number(flag, value or "")
    elif name == "connect-timeout":
        opts.connect_timeout = _number(flag, value or "")
    elif name == "output":
        opts.output = value
    elif name == "write-out":
        opts.write_out = value
    elif name == "header":
        opts.headers.append(value or "")
    elif name == "request":
        opts.method = value
    elif name == "user-agent":
        opts.user_agent = value or ""
    elif name == "data":
        opts.data = value
    elif name == "no-progress-meter":
        opts.no_meter = True
    elif name == "url":
        opts.urls.append(value or "")


def parse_args(argv: list[str]) -> Options:
    """Parse curl's arguments (short clusters like -sSf, -o FILE or -oFILE, --long VALUE).

    Raises:
        UsageError: with curl's own text for an unknown option or a missing/bad value.
    """
    opts = Options()
    args = argv[1:]
    i = 0
    while i < len(args):
        word = args[i]
        i += 1
        if word.startswith("--") and len(word) > 2:
            name = word[2:]
            if name not in _LONG:
                raise UsageError(f"curl: option {word}: is unknown\n{TRY}")
            takes = _LONG[name][1]
            value = None
            if takes:
                if i >= len(args):
                    raise UsageError(f"curl: option {word}: requires parameter\n{TRY}")
                value = args[i]
                i += 1
            _set(opts, name, value, word)
        elif word.startswith("-") and len(word) > 1:
            j = 1
            while j < len(word):
                letter = word[j]
                j += 1
                if letter not in _SHORT:
                    raise UsageError(f"curl: option {word}: is unknown\n{TRY}")
                value = None
                if _SHORT[letter]:
                    if j < len(word):
                        value = word[j:]
                    elif i < len(args):
                        value = args[i]
                        i += 1
                    else:
                        raise UsageError(f"curl: option {word}: requires parameter\n{TRY}")
                    j = len(word)
                _set(opts, _BY_LETTER[letter], value, word)
        else:
            opts.urls.append(word)
    return opts


@dataclass(frozen=True)
class Url:
    """A parsed URL."""

    scheme: str
    host: str
    port: int
    path: str

    @property
    def host_header(self) -> str:
        """The Host: header (the port only when not the scheme's default)."""
        default = 443 if self.scheme == "https" else 80
        return self.host if self.port == default else f"{self.host}:{self.port}"

    @property
    def text(self) -> str:
        """The URL as curl reports it (%{url_effective})."""
        return f"{self.scheme}://{self.host_header}{self.path}"


def parse_url(raw: str) -> Url | tuple[int, str]:
    """Parse http(s)://HOST[:PORT][/path]; a missing scheme means http.

    Returns:
        The URL, or (exit code, curl's message) when curl refuses it.
    """
    text = raw.strip()
    scheme = "http"
    if "://" in text:
        scheme, _, text = text.partition("://")
        scheme = scheme.lower()
        if scheme not in ("http", "https"):
            return 1, f'Protocol "{scheme}" not supported'
    hostport, slash, rest = text.partition("/")
    path = "/" + rest if slash else "/"
    path = path.split("#", 1)[0]
    hostport = hostport.rpartition("@")[2]
    host, colon, port_text = hostport.rpartition(":") if ":" in hostport else (hostport, "", "")
    if not host:
        return 3, "URL rejected: No host part in the URL"
    default = 443 if scheme == "https" else 80
    if colon:
        if port_text == "":
            port = default
        elif not port_text.isdigit() or int(port_text) > 65535:
            return 3, "URL rejected: Port number was not a decimal number between 0 and 65535"
        else:
            port = int(port_text)
    else:
        port = default
    if any(c in host for c in " <>\\^`{|}\"") or host.startswith(".") or ".." in host:
        return 3, "URL rejected: Bad hostname"
    return Url(scheme, host.lower(), port, path)


__all__ = ["HELP", "Options", "SYN_TIMEOUT", "TRY", "Url", "UsageError", "VERSION", "VERSION_TEXT", "parse_args",
           "parse_url"]
