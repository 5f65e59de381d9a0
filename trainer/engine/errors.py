"""Field errors and API Status values, shaped and worded like apimachinery's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable

from .gofmt import go_quote_keep_surrogates as go_quote
from .gofmt import go_value

# The ErrorType strings of k8s.io/apimachinery/pkg/util/validation/field.
NOT_FOUND = "Not found"
REQUIRED = "Required value"
DUPLICATE = "Duplicate value"
INVALID = "Invalid value"
NOT_SUPPORTED = "Unsupported value"
FORBIDDEN = "Forbidden"
TOO_LONG = "Too long"
TOO_MANY = "Too many"
INTERNAL = "Internal error"
TYPE_INVALID = "Invalid value"

# Cause types as the apiserver reports them in Status.details.causes[].reason.
_CAUSE_REASON = {
    NOT_FOUND: "FieldValueNotFound",
    REQUIRED: "FieldValueRequired",
    DUPLICATE: "FieldValueDuplicate",
    INVALID: "FieldValueInvalid",
    NOT_SUPPORTED: "FieldValueNotSupported",
    FORBIDDEN: "FieldValueForbidden",
    TOO_LONG: "FieldValueTooLong",
    TOO_MANY: "FieldValueTooMany",
    INTERNAL: "InternalError",
}

_OMIT = object()


@dataclass(frozen=True)
class FieldError:
    """One validation error: a field path, an error type, the bad value and a detail."""

    type: str
    field: str
    bad_value: Any = _OMIT
    detail: str = ""

    def body(self) -> str:
        """The text after "<field>: ", as field.Error.ErrorBody builds it."""
        if self.type in (REQUIRED, FORBIDDEN, TOO_LONG, INTERNAL) or self.bad_value is _OMIT:
            text = self.type
        else:
            text = f"{self.type}: {go_value(self.bad_value)}"
        if self.detail:
            text += f": {self.detail}"
        return text

    def __str__(self) -> str:
        return f"{self.field}: {self.body()}"


def invalid(path: str, value: Any, detail: str) -> FieldError:
    """field.Invalid."""
    return FieldError(INVALID, path, value, detail)


def required(path: str, detail: str = "") -> FieldError:
    """field.Required."""
    return FieldError(REQUIRED, path, "", detail)


def not_supported(path: str, value: Any, valid: Iterable[str]) -> FieldError:
    """field.NotSupported: the detail lists the supported values, quoted."""
    quoted = ", ".join(go_quote(v) for v in valid)
    return FieldError(NOT_SUPPORTED, path, value, f"supported values: {quoted}" if quoted else "")


def duplicate(path: str, value: Any) -> FieldError:
    """field.Duplicate."""
    return FieldError(DUPLICATE, path, value, "")


def forbidden(path: str, detail: str) -> FieldError:
    """field.Forbidden."""
    return FieldError(FORBIDDEN, path, "", detail)


def too_long(path: str, value: Any, max_len: int) -> FieldError:
    """field.TooLong (the detail names the limit, as upstream)."""
    return FieldError(TOO_LONG, path, value, f"may not be more than {max_len} bytes")


def not_found(path: str, value: Any) -> FieldError:
    """field.NotFound."""
    return FieldError(NOT_FOUND, path, value, "")


def _aggregate(messages: list[str]) -> str:
    """utilerrors.NewAggregate(...).Error(): one message, or a bracketed list of unique ones."""
    unique: list[str] = []
    for msg in messages:
        if msg not in unique:
            unique.append(msg)
    if len(unique) == 1:
        return unique[0]
    return "[" + ", ".join(unique) + "]"


@dataclass
class Status:
    """A failed API call, as metav1.Status: HTTP code, reason, message and details."""

    code: int
    reason: str
    message: str
    kind: str = ""
    name: str = ""
    group: str = ""
    causes: list[FieldError] = field(default_factory=list)

    @classmethod
    def invalid(cls, kind: str, name: str, errors: list[FieldError], group: str = "") -> "Status":
        """apierrors.NewInvalid: 422 with one cause per field error."""
        qualified = f"{kind}.{group}" if group else kind
        message = f"{qualified} {go_quote(name)} is invalid"
        if errors:
            message += ": " + _aggregate([str(e) for e in errors])
        return cls(422, "Invalid", message, kind, name, group, list(errors))

    @classmethod
    def not_found(cls, resource: str, name: str) -> "Status":
        """apierrors.NewNotFound, e.g. services "x" not found."""
        return cls(404, "NotFound", f"{resource} {go_quote(name)} not found", name=name)

    @classmethod
    def already_exists(cls, resource: str, name: str) -> "Status":
        """apierrors.NewAlreadyExists."""
        return cls(409, "AlreadyExists", f"{resource} {go_quote(name)} already exists", name=name)

    @classmethod
    def bad_request(cls, message: str) -> "Status":
        """apierrors.NewBadRequest."""
        return cls(400, "BadRequest", message)

    def to_dict(self) -> dict:
        """The Status object as the API returns it in JSON."""
        out: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        details: dict[str, Any] = {}
        if self.name:
            details["name"] = self.name
        if self.group:
            details["group"] = self.group
        if self.kind:
            details["kind"] = self.kind
        if self.causes:
            details["causes"] = [
                {"reason": _CAUSE_REASON.get(c.type, c.type), "message": c.body(), "field": c.field}
                for c in self.causes
            ]
        if details:
            out["details"] = details
        return out

    def kubectl_message(self, verb: str = "", source: str = "") -> str:
        """What kubectl prints on stderr for this error (without the trailing newline).

        Args:
            verb: the operation kubectl names for errors with a source, e.g. "creating".
            source: the file the object came from, e.g. "svc.yaml".
        """
        if self.reason == "Invalid" and self.causes:
            head = f"The {self.kind} {go_quote(self.name)} is invalid: "
            lines: list[str] = []
            for cause in self.causes:
                text = f"{cause.field}: {cause.body()}"
                if text not in lines:
                    lines.append(text)
            if len(lines) == 1:
                return head + lines[0]
            return head + "\n" + "\n".join(f"* {line}" for line in lines)
        message = self.message
        if verb and source:
            message = f"error when {verb} {go_quote(source)}: {message}"
        if not self.reason:
            # StatusReasonUnknown (""): kubectl drops the parenthesised reason.
            return f"Error from server: {message}"
        return f"Error from server ({self.reason}): {message}"

    def __str__(self) -> str:
        return self.message


@dataclass
class ConnectionRefused:
    """The apiserver is not running: every call fails as a refused connection."""

    host: str = "10.0.0.10:6443"

    def kubectl_message(self, verb: str = "", source: str = "") -> str:
        """kubectl's wording for a refused connection."""
        return f"The connection to the server {self.host} was refused - did you specify the right host or port?"

    def __str__(self) -> str:
        return self.kubectl_message()


@dataclass
class ClientSideError:
    """An error kubectl itself reports before calling the apiserver."""

    message: str

    def kubectl_message(self, verb: str = "", source: str = "") -> str:
        """kubectl's line: "error: <message>"."""
        return f"error: {self.message}"

    def __str__(self) -> str:
        return self.message


class EngineError(Exception):
    """Raised only for programming errors inside the engine, never for user mistakes."""
