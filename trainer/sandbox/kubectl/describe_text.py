"""kubectl describe's text machinery: Go's tabwriter, the prefix writer, and shared field printers."""

from __future__ import annotations

import datetime as _dt

from ...engine.objects import parse_time

#: tabwriter.Writer.Init(buf, 0, 8, 2, ' ', 0) in describe.go's tabbedString: minwidth 0, padding 2.
PADDING = 2
#: Annotations longer than this (key + ": " + value) print folded, as printAnnotationsMultiline does.
MAX_ANNOTATION_LEN = 140
#: The one annotation describe never shows (corev1.LastAppliedConfigAnnotation).
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def tabwrite(text: str) -> str:
    """Align tab-separated cells exactly as Go's text/tabwriter does with describe's settings.

    A column block is a run of consecutive lines that all have a tab-terminated cell in that
    column; each block gets its own width (widest cell + padding). The text after a line's last
    tab never counts toward a width. Lines are split on "\\n", cells on "\\t" (and "\\v").
    """
    rows = [line.replace("\v", "\t").split("\t") for line in text.split("\n")]
    out: list[str] = []
    _format(rows, [], 0, len(rows), out)
    return "\n".join(out)


def _format(rows: list[list[str]], widths: list[int], lo: int, hi: int, out: list[str]) -> None:
    column = len(widths)
    line0 = this = lo
    while this < hi:
        if column < len(rows[this]) - 1:
            _write(rows, widths, line0, this, out)
            line0 = this
            width = 0
            while this < hi and column < len(rows[this]) - 1:
                width = max(width, len(rows[this][column]) + PADDING)
                this += 1
            widths.append(width)
            _format(rows, widths, line0, this, out)
            widths.pop()
            line0 = this
        else:
            this += 1
    _write(rows, widths, line0, hi, out)


def _write(rows: list[list[str]], widths: list[int], lo: int, hi: int, out: list[str]) -> None:
    for row in rows[lo:hi]:
        out.append("".join(cell.ljust(widths[j]) if j < len(widths) else cell for j, cell in enumerate(row)))


def escape(text: str) -> str:
    """cli-runtime's printers.WriteEscaped: defuse ESC and CR so values cannot drive the terminal."""
    return text.replace("\x1b", "^[").replace("\r", "\\r")


class Writer:
    """describe.go's PrefixWriter over a tabwriter: two spaces per level, flushable blocks."""

    def __init__(self) -> None:
        self._done: list[str] = []
        self._pending: list[str] = []

    def write(self, level: int, text: str) -> None:
        """Write text indented by ``level`` (the indent goes before the text, not after its newlines)."""
        self._pending.append("  " * level + escape(text))

    def line(self, text: str = "") -> None:
        """PrefixWriter.WriteLine: the text and a newline, without indentation."""
        self._pending.append(escape(text) + "\n")

    def flush(self) -> None:
        """End the current alignment block, as tabwriter.Flush does (DescribeEvents calls it)."""
        if self._pending:
            self._done.append(tabwrite("".join(self._pending)))
            self._pending = []

    def text(self) -> str:
        """Everything written, aligned."""
        self.flush()
        return "".join(self._done)


# ----------------------------------------------------------------- maps, lists and selectors

def multiline(w: Writer, title: str, items: list[str], indent: str = "") -> None:
    """The shared shape of printLabelsMultiline and friends: first item beside the title, the rest
    in the same column below, ``<none>`` when empty."""
    w.write(0, f"{indent}{title}:\t")
    if not items:
        w.line("<none>")
        return
    for i, item in enumerate(items):
        if i:
            w.write(0, f"{indent}\t")
        w.write(0, item + "\n")


def labels_multiline(w: Writer, title: str, labels: dict | None, indent: str = "") -> None:
    """printLabelsMultiline: sorted key=value lines."""
    labels = labels or {}
    multiline(w, title, [f"{k}={go_value(labels[k])}" for k in sorted(labels)], indent)


def annotations_multiline(w: Writer, title: str, annotations: dict | None) -> None:
    """printAnnotationsMultiline: sorted, last-applied-configuration skipped, long or multi-line
    values folded under their key."""
    annotations = annotations or {}
    keys = sorted(k for k in annotations if k != LAST_APPLIED)
    w.write(0, f"{title}:\t")
    if not keys:
        w.line("<none>")
        return
    for i, key in enumerate(keys):
        if i:
            w.write(0, "\t")
        value = go_value(annotations[key])
        if value.endswith("\n"):
            value = value[:-1]
        if len(value) + len(key) + 2 > MAX_ANNOTATION_LEN or "\n" in value:
            w.write(0, f"{key}:\n")
            for part in value.split("\n"):
                short = part if len(part) <= MAX_ANNOTATION_LEN - 2 else part[:MAX_ANNOTATION_LEN - 2] + "..."
                w.write(0, f"\t  {short}\n")
        else:
            w.write(0, f"{key}: {value}\n")


def format_labels(labels: dict | None) -> str:
    """labels.FormatLabels: sorted k=v joined by commas, or ``<none>``."""
    labels = labels or {}
    return ",".join(f"{k}={go_value(labels[k])}" for k in sorted(labels)) or "<none>"


def selector_string(selector: dict | None) -> str:
    """metav1.LabelSelectorAsSelector(sel).String(): requirements sorted by key, "" when empty."""
    selector = selector or {}
    reqs: list[tuple[str, str]] = [(k, f"{k}={go_value(v)}") for k, v in (selector.get("matchLabels") or {}).items()]
    for expr in selector.get("matchExpressions") or []:
        key, op = str(expr.get("key", "")), str(expr.get("operator", ""))
        values = ",".join(sorted(str(v) for v in expr.get("values") or []))
        text = {"In": f"{key} in ({values})", "NotIn": f"{key} notin ({values})",
                "Exists": key, "DoesNotExist": f"!{key}"}.get(op, f"{key} {op.lower()} ({values})")
        reqs.append((key, text))
    reqs.sort(key=lambda r: r[0])
    return ",".join(text for _k, text in reqs)


def taint_string(taint: dict) -> str:
    """corev1.Taint.ToString."""
    key, value, effect = str(taint.get("key", "")), str(taint.get("value", "")), str(taint.get("effect", ""))
    if not effect:
        return f"{key}={value}:" if value else key
    return f"{key}={value}:{effect}" if value else f"{key}:{effect}"


def toleration_string(tol: dict) -> str:
    """One line of printTolerationsMultilineWithIndent."""
    key, value, effect = str(tol.get("key", "")), str(tol.get("value", "")), str(tol.get("effect", ""))
    text = key + (f"={value}" if value else "") + (f":{effect}" if effect else "")
    if tol.get("operator") == "Exists" and not value:
        # A bare "operator: Exists" tolerates every taint; kubectl prints it without a leading space.
        text += " op=Exists" if key or effect else "op=Exists"
    if tol.get("tolerationSeconds") is not None:
        text += f" for {int(tol['tolerationSeconds'])}s"
    return text


def tolerations_multiline(w: Writer, title: str, tolerations: list | None, indent: str = "") -> None:
    """printPodTolerationsMultiline: sorted by key (Go's small-slice sort keeps ties in order)."""
    tols = sorted(tolerations or [], key=lambda t: str(t.get("key", "")))
    multiline(w, title, [toleration_string(t) for t in tols], indent)


def controller_ref(obj: dict) -> dict | None:
    """metav1.GetControllerOf: the owner reference with controller: true."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


# ----------------------------------------------------------------- time

def rfc1123z(value: str | float | None) -> str:
    """time.RFC1123Z in UTC; an absent time prints as Go's zero time, as kubectl would."""
    epoch = value if isinstance(value, (int, float)) else parse_time(value or "")
    if epoch is None:
        return "Mon, 01 Jan 0001 00:00:00 +0000"
    return _dt.datetime.fromtimestamp(epoch, _dt.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")


def human_duration(seconds: float) -> str:
    """apimachinery's duration.HumanDuration (what AGE columns and "lasts" print)."""
    secs = int(seconds)  # Go's int(d.Seconds()) truncates toward zero
    if secs < -1:
        return "<invalid>"
    if secs < 0:
        return "0s"
    if secs < 120:
        return f"{secs}s"
    minutes = secs // 60
    if minutes < 10:
        return f"{minutes}m{secs % 60}s" if secs % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = secs // 3600
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 24 * 8:
        return f"{hours // 24}d{hours % 24}h" if hours % 24 else f"{hours // 24}d"
    if hours < 24 * 365 * 2:
        return f"{hours // 24}d"
    if hours < 24 * 365 * 8:
        days = (hours // 24) % 365
        return f"{hours // 24 // 365}y{days}d" if days else f"{hours // 24 // 365}y"
    return f"{hours // 24 // 365}y"


def since(now: float, value: str | None) -> str:
    """translateTimestampSince: ``<unknown>`` for an absent time."""
    epoch = parse_time(value or "") if value else None
    return "<unknown>" if epoch is None else human_duration(now - epoch)


def go_value(value: object) -> str:
    """A JSON scalar as Go's %s/%v prints the field it came from."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)

