"""iptables 1.8.9 (nf_tables) listings of a parsed ruleset: the -L table and the -S rule lines."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..engine.proxy.rules import TABLE_CHAINS, Ruleset

PROTO_NUMBERS = {"all": 0, "icmp": 1, "igmp": 2, "tcp": 6, "udp": 17, "gre": 47, "esp": 50, "ah": 51,
                 "sctp": 132, "udplite": 136}
# /etc/services and /etc/networks of an Ubuntu node (netbase), for listings without -n.
_SERVICES = {20: "ftp-data", 21: "ftp", 22: "ssh", 23: "telnet", 25: "smtp", 53: "domain", 80: "http",
             110: "pop3", 123: "ntp", 143: "imap2", 443: "https", 993: "imaps", 995: "pop3s",
             2379: "etcd-client", 2380: "etcd-server", 6443: "sun-sr-https", 8080: "http-alt"}
_NETWORKS = {"127.0.0.0": "loopback", "169.254.0.0": "link-local", "0.0.0.0": "default"}
_CT_ORDER = ("INVALID", "NEW", "RELATED", "ESTABLISHED", "UNTRACKED", "SNAT", "DNAT")
# Options that take no value (everything else takes the next word).
_FLAGS = frozenset({"--rsource", "--rdest", "--reap", "--set", "--rcheck", "--update", "--remove",
                    "--random", "--random-fully", "--persistent", "--limit-iface-in", "--limit-iface-out",
                    "--rttl", "--syn", "--log-tcp-sequence", "--log-tcp-options", "--log-ip-options",
                    "--log-uid", "--log-macdecode"})
_LOG_LEVELS = ("emerg", "alert", "crit", "error", "warning", "notice", "info", "debug")


@dataclass
class Option:
    """One --option of a match or target, with its values and whether a "!" preceded it."""

    name: str
    values: list[str]
    invert: bool = False


@dataclass
class ParsedRule:
    """A rule line split into iptables' parts."""

    chain: str
    src: tuple[str, bool] = ("0.0.0.0/0", False)
    dst: tuple[str, bool] = ("0.0.0.0/0", False)
    proto: tuple[str, bool] = ("all", False)
    iface_in: tuple[str, bool] = ("", False)
    iface_out: tuple[str, bool] = ("", False)
    fragment: tuple[bool, bool] = (False, False)
    matches: list[tuple[str, list[Option]]] = field(default_factory=list)
    target: str = ""
    goto: bool = False
    target_options: list[Option] = field(default_factory=list)


def split_words(line: str) -> list[str]:
    """Split an iptables-save line into words; double quotes group, backslash escapes."""
    words: list[str] = []
    cur: list[str] = []
    in_word = quoted = False
    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            cur.append(line[i + 1])
            in_word = True
            i += 2
            continue
        if ch == '"':
            quoted = not quoted
            in_word = True
        elif ch in " \t" and not quoted:
            if in_word:
                words.append("".join(cur))
                cur, in_word = [], False
        else:
            cur.append(ch)
            in_word = True
        i += 1
    if in_word:
        words.append("".join(cur))
    return words


def parse_rule(line: str) -> ParsedRule:
    """Parse one "-A CHAIN ..." line of iptables-save output."""
    words = split_words(line)
    rule = ParsedRule(words[1] if len(words) > 1 else "")
    current: list[Option] | None = None
    invert = False
    i = 2
    while i < len(words):
        word = words[i]
        i += 1
        if word == "!":
            invert = True
            continue
        if word in ("-s", "--source", "-d", "--destination", "-p", "--protocol", "-i", "--in-interface",
                    "-o", "--out-interface"):
            value = words[i] if i < len(words) else ""
            i += 1
            key = {"-s": "src", "--source": "src", "-d": "dst", "--destination": "dst", "-p": "proto",
                   "--protocol": "proto", "-i": "iface_in", "--in-interface": "iface_in",
                   "-o": "iface_out", "--out-interface": "iface_out"}[word]
            setattr(rule, key, (value, invert))
        elif word in ("-f", "--fragment"):
            rule.fragment = (True, invert)
        elif word in ("-m", "--match"):
            current = []
            rule.matches.append((words[i] if i < len(words) else "", current))
            i += 1
        elif word in ("-j", "--jump", "-g", "--goto"):
            rule.target = words[i] if i < len(words) else ""
            rule.goto = word in ("-g", "--goto")
            current = rule.target_options
            i += 1
        elif word == "-c":
            i += 2
        elif word.startswith("--") and current is not None:
            values = []
            if word not in _FLAGS:
                if i < len(words) and words[i] != "!" and not words[i].startswith("--"):
                    values.append(words[i])
                    i += 1
            current.append(Option(word, values, invert))
        invert = False
    return rule


# ------------------------------------------------------------------ addresses and ports

def _ip_int(text: str) -> int:
    a, b, c, d = (int(p) for p in text.split("."))
    return a << 24 | b << 16 | c << 8 | d


def _ip_text(value: int) -> str:
    return ".".join(str(value >> s & 255) for s in (24, 16, 8, 0))


def format_address(cidr: str, numeric: bool) -> str:
    """An address as -L prints it: 0.0.0.0/0, a bare host for /32, net/len, or names without -n."""
    addr, _, mask = cidr.partition("/")
    if not mask:
        bits = 32
    elif "." in mask:
        m = _ip_int(mask)
        inv = ~m & 0xFFFFFFFF
        bits = 32 - inv.bit_length() if inv & (inv + 1) == 0 else -1
        if bits < 0:
            return f"{addr}/{mask}"
    else:
        bits = int(mask)
    if bits == 0:
        return "0.0.0.0/0" if numeric else "anywhere"
    if bits == 32:
        if not numeric and addr == "127.0.0.1":
            return "localhost"
        return addr
    net = _ip_text(_ip_int(addr) & (0xFFFFFFFF << (32 - bits)) & 0xFFFFFFFF)
    if not numeric and net in _NETWORKS:
        return f"{_NETWORKS[net]}/{bits}"
    return f"{net}/{bits}"


def _port(text: str, numeric: bool) -> str:
    if numeric or not text.isdigit():
        return text
    return _SERVICES.get(int(text), text)


def _ports(kind: str, value: str, invert: bool, numeric: bool) -> str:
    bang = "!" if invert else ""
    lo, sep, hi = value.partition(":")
    if sep and hi != lo:
        return f" {kind}s:{bang}{_port(lo or '0', numeric)}:{_port(hi or '65535', numeric)}"
    return f" {kind}:{bang}{_port(lo, numeric)}"


# ------------------------------------------------------------------ matches and targets

def _opts(options: list[Option]) -> dict[str, Option]:
    return {o.name: o for o in options}


def _match_text(name: str, options: list[Option], numeric: bool) -> str:
    o = _opts(options)
    if name == "comment":
        return f" /* {o['--comment'].values[0] if '--comment' in o else ''} */"
    if name in ("tcp", "udp", "sctp", "udplite"):
        out = f" {name}"
        for key, kind in (("--sport", "spt"), ("--source-port", "spt"), ("--dport", "dpt"),
                          ("--destination-port", "dpt")):
            if key in o:
                out += _ports(kind, o[key].values[0], o[key].invert, numeric)
        if "--syn" in o:
            out += " flags:" + ("!" if o["--syn"].invert else "") + "0x17/0x02"
        return out
    if name == "multiport":
        for key, word in (("--dports", "dports"), ("--destination-ports", "dports"), ("--sports", "sports"),
                          ("--source-ports", "sports"), ("--ports", "ports")):
            if key in o:
                ports = ",".join(":".join(_port(x, numeric) for x in p.split(":")) for p in o[key].values[0].split(","))
                return f" multiport {word} {' !' if o[key].invert else ''}{ports}"
        return " multiport"
    if name == "addrtype":
        out = " ADDRTYPE match"
        for key, word in (("--src-type", "src-type"), ("--dst-type", "dst-type")):
            if key in o:
                out += f" {word} " + ("!" if o[key].invert else "") + o[key].values[0]
        if "--limit-iface-in" in o:
            out += " limit-in"
        if "--limit-iface-out" in o:
            out += " limit-out"
        return out
    if name == "mark":
        opt = o.get("--mark")
        if opt is None:
            return " mark match"
        return " mark match" + (" !" if opt.invert else "") + " " + _mark(opt.values[0])
    if name in ("conntrack", "state"):
        key = "--ctstate" if name == "conntrack" else "--state"
        word = "ctstate" if name == "conntrack" else "state"
        if key not in o:
            return ""
        states = o[key].values[0].split(",")
        ordered = [s for s in _CT_ORDER if s in states]
        return (" !" if o[key].invert else "") + f" {word} " + ",".join(ordered)
    if name == "statistic":
        mode = o["--mode"].values[0] if "--mode" in o else "random"
        out = f" statistic mode {mode}"
        if "--probability" in o:
            prob = o["--probability"]
            out += (" !" if prob.invert else "") + f" probability {float(prob.values[0]):.11f}"
        if "--every" in o:
            out += (" !" if o["--every"].invert else "") + f" every {o['--every'].values[0]}"
            if "--packet" in o:
                out += f" packet {o['--packet'].values[0]}"
        return out
    if name == "recent":
        return _recent_text(o)
    if name == "nfacct":
        return f" nfacct-name  {o['--nfacct-name'].values[0] if '--nfacct-name' in o else ''}"
    if name in ("icmp",):
        if "--icmp-type" in o:
            return f" icmptype {'!' if o['--icmp-type'].invert else ''}{o['--icmp-type'].values[0]}"
        return " icmp"
    # Anything else: the match's name and its options as written.
    return f" {name} " + " ".join(("! " if op.invert else "") + " ".join([op.name.lstrip('-')] + op.values)
                                  for op in options)


def _recent_text(o: dict[str, Option]) -> str:
    out = ""
    ops = [("--set", "SET"), ("--rcheck", "CHECK"), ("--update", "UPDATE"), ("--remove", "REMOVE")]
    if any(o[k].invert for k, _ in ops if k in o):
        out += " !"
    out += " recent:"
    for key, word in ops:
        if key in o:
            out += f" {word}"
    if "--seconds" in o:
        out += f" seconds: {o['--seconds'].values[0]}"
    if "--reap" in o:
        out += " reap"
    if "--hitcount" in o:
        out += f" hit_count: {o['--hitcount'].values[0]}"
    if "--rttl" in o:
        out += " TTL-Match"
    out += f" name: {o['--name'].values[0] if '--name' in o else 'DEFAULT'}"
    out += " side: dest" if "--rdest" in o else " side: source"
    out += f" mask: {o['--mask'].values[0] if '--mask' in o else '255.255.255.255'}"
    return out


def _mark(text: str) -> str:
    value, _, mask = text.partition("/")
    v = int(value, 0)
    if not mask or int(mask, 0) == 0xFFFFFFFF:
        return f"0x{v:x}"
    return f"0x{v:x}/0x{int(mask, 0):x}"


def _target_text(rule: ParsedRule, numeric: bool) -> str:
    o = _opts(rule.target_options)
    name = rule.target
    if name == "MARK":
        if "--set-xmark" in o or "--set-mark" in o:
            raw = (o.get("--set-xmark") or o["--set-mark"]).values[0]
            value_s, _, mask_s = raw.partition("/")
            value = int(value_s, 0)
            mask = int(mask_s, 0) if mask_s else 0xFFFFFFFF
            if "--set-mark" in o and mask_s:
                mask = int(mask_s, 0)
            if mask == 0xFFFFFFFF:
                return f" MARK set 0x{value:x}"
            if value == 0:
                return f" MARK and 0x{~mask & 0xFFFFFFFF:x}"
            if value == mask:
                return f" MARK or 0x{value:x}"
            if mask == 0:
                return f" MARK xor 0x{value:x}"
            return f" MARK xset 0x{value:x}/0x{mask:x}"
        for key, word in (("--or-mark", "or"), ("--and-mark", "and"), ("--xor-mark", "xor")):
            if key in o:
                return f" MARK {word} 0x{int(o[key].values[0], 0):x}"
        return " MARK"
    out = ""
    if name in ("DNAT", "SNAT"):
        key = "--to-destination" if name == "DNAT" else "--to-source"
        if key in o:
            out += "".join(f" to:{v}" for v in o[key].values)
    if name == "MASQUERADE" and "--to-ports" in o:
        out += f" masq ports: {o['--to-ports'].values[0]}"
    if name in ("DNAT", "SNAT", "MASQUERADE"):
        for key in ("--random", "--random-fully", "--persistent"):
            if key in o:
                out += " " + key[2:]
        return out
    if name == "REJECT":
        kind = o["--reject-with"].values[0] if "--reject-with" in o else "icmp-port-unreachable"
        return f" reject-with {kind}"
    if name == "LOG":
        level = o["--log-level"].values[0] if "--log-level" in o else "4"
        level_n = int(level) if level.isdigit() else _LOG_LEVELS.index(level) if level in _LOG_LEVELS else 4
        flags = sum(bit for key, bit in (("--log-tcp-sequence", 1), ("--log-tcp-options", 2),
                                         ("--log-ip-options", 4), ("--log-uid", 8), ("--log-macdecode", 32))
                    if key in o)
        out = f" LOG flags {flags} level {level_n}" if numeric else f" LOG level {_LOG_LEVELS[level_n]}"
        if "--log-prefix" in o:
            out += f' prefix "{o["--log-prefix"].values[0]}"'
        return out
    return ""


# ------------------------------------------------------------------ -L rows

@dataclass(frozen=True)
class ListFormat:
    """The -L switches that shape each row."""

    numeric: bool = False
    verbose: bool = False
    exact: bool = False
    line_numbers: bool = False


def _counter(value: int, width: int, exact: bool) -> str:
    return f"{value:>{width}} " if exact else f"{value:>5} "


def list_header(fmt: ListFormat) -> str:
    """The column header line under each "Chain" line."""
    out = "num  " if fmt.line_numbers else ""
    if fmt.verbose:
        out += "    pkts      bytes " if fmt.exact else " pkts bytes "
    out += "target     prot opt "
    if fmt.verbose:
        out += "in     out     "
    return out + "source               destination         "


def list_row(line: str, fmt: ListFormat, number: int = 0) -> str:
    """One rule as an -L row (no trailing newline)."""
    rule = parse_rule(line)
    out = f"{number:<4} " if fmt.line_numbers else ""
    if fmt.verbose:
        out += _counter(0, 8, fmt.exact) + _counter(0, 8, fmt.exact)
    out += f"{rule.target:<9} "
    proto, proto_inv = rule.proto
    proto = proto.lower()
    shown = str(PROTO_NUMBERS.get(proto, proto)) if fmt.numeric else proto
    out += ("!" if proto_inv else " ") + f"{shown:<5}"
    frag, frag_inv = rule.fragment
    out += ("!" if frag_inv else "-") + ("f" if frag else "-") + " "
    if fmt.verbose:
        any_name = "*" if fmt.numeric else "any"
        for (iface, inv), lead in ((rule.iface_in, " "), (rule.iface_out, "")):
            out += lead + f"{('!' if inv else '') + (iface or any_name):<6} "
    for (addr, inv) in (rule.src, rule.dst):
        out += ("!" if inv else " ") + f"{format_address(addr, fmt.numeric):<19} "
    if rule.goto:
        out += "[goto] "
    for name, options in rule.matches:
        out += _match_text(name, options, fmt.numeric)
    out += _target_text(rule, fmt.numeric)
    return out


# ------------------------------------------------------------------ whole listings

def table_chains(ruleset: Ruleset, table: str) -> list[tuple[str, str | None, list[str]]]:
    """(name, policy or None, rule lines) of each chain in listing order: built-ins, then by name."""
    tab = ruleset.tables.get(table)
    chains = dict(tab.chains) if tab is not None else {}
    out = []
    for name in TABLE_CHAINS.get(table, ()):
        chain = chains.pop(name, None)
        out.append((name, chain.policy if chain is not None else "ACCEPT", chain.lines if chain is not None else []))
    for name in sorted(chains):
        chain = chains[name]
        out.append((name, chain.policy if chain.builtin else None, chain.lines))
    return out


def references(chains: list[tuple[str, str | None, list[str]]]) -> dict[str, int]:
    """How many rules of the table jump or go to each chain."""
    counts: dict[str, int] = {}
    for _name, _policy, lines in chains:
        for line in lines:
            for flag in (" -j ", " -g "):
                at = line.rfind(flag)
                if at >= 0:
                    target = line[at + 4:].split(" ", 1)[0]
                    counts[target] = counts.get(target, 0) + 1
                    break
    return counts


def render_list(chains: list[tuple[str, str | None, list[str]]], refs: dict[str, int], fmt: ListFormat) -> str:
    """The -L output for these chains."""
    blocks = []
    for name, policy, lines in chains:
        if policy is not None:
            tail = " 0 packets, 0 bytes" if fmt.verbose else ""
            head = f"Chain {name} (policy {policy}{tail})"
        else:
            head = f"Chain {name} ({refs.get(name, 0)} references)"
        rows = [head, list_header(fmt)] + [list_row(line, fmt, n) for n, line in enumerate(lines, 1)]
        blocks.append("\n".join(rows) + "\n")
    return "\n".join(blocks)


def save_line(line: str, verbose: bool) -> str:
    """A rule as -S prints it; with -v the counters go right before the target."""
    if not verbose:
        return line
    if parse_rule(line).target:
        # iptables-save writes the target last, so the last " -j " or " -g " is the target's.
        at = max(line.rfind(" -j "), line.rfind(" -g "))
        return line[:at] + " -c 0 0" + line[at:]
    return line + " -c 0 0"


def render_rules(chains: list[tuple[str, str | None, list[str]]], verbose: bool) -> str:
    """The -S output: policies and chain declarations first (all of them), then the rules."""
    counters = " -c 0 0" if verbose else ""
    heads = []
    for name, policy, _lines in chains:
        heads.append(f"-P {name} {policy}{counters}" if policy is not None else f"-N {name}")
    rules = [save_line(line, verbose) for _name, _policy, lines in chains for line in lines]
    return "".join(line + "\n" for line in heads + rules)


__all__ = ["ListFormat", "PROTO_NUMBERS", "format_address", "list_header", "list_row", "parse_rule",
           "references", "render_list", "render_rules", "save_line", "split_words", "table_chains"]
