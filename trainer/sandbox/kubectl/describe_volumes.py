"""The Volumes section of a Pod or pod template, one printer per common volume source."""

from __future__ import annotations

import zlib

from .describe_quantity import canonical, qty
from .describe_text import Writer, go_value


def describe_volumes(w: Writer, volumes: list, space: str) -> None:
    """describeVolumes: each volume by name, then what kind of source backs it."""
    if not volumes:
        w.write(0, f"{space}Volumes:\t<none>\n")
        return
    w.write(0, f"{space}Volumes:\n")
    for volume in volumes:
        w.write(1, f"{' ' if space else ''}{volume.get('name', '')}:\n")
        for key, printer in _PRINTERS.items():
            if volume.get(key) is not None:
                printer(w, volume[key] or {}, volume.get("name", ""))
                break
        else:
            w.write(1, "<unknown>\n")


def _flag(value: object) -> str:
    return "true" if value else "false"


def _host_path(w: Writer, src: dict, _name: str) -> None:
    w.write(2, f"Type:\tHostPath (bare host directory volume)\n    Path:\t{src.get('path', '')}\n"
               f"    HostPathType:\t{src['type'] if src.get('type') is not None else '<none>'}\n")


def _empty_dir(w: Writer, src: dict, _name: str) -> None:
    limit = qty(src.get("sizeLimit"))
    size = canonical(limit) if limit.value > 0 else "<unset>"
    w.write(2, "Type:\tEmptyDir (a temporary directory that shares a pod's lifetime)\n"
               f"    Medium:\t{src.get('medium') or ''}\n    SizeLimit:\t{size}\n")


def _secret(w: Writer, src: dict, _name: str) -> None:
    w.write(2, f"Type:\tSecret (a volume populated by a Secret)\n    SecretName:\t{src.get('secretName', '')}\n"
               f"    Optional:\t{_flag(src.get('optional'))}\n")


def _config_map(w: Writer, src: dict, _name: str) -> None:
    w.write(2, f"Type:\tConfigMap (a volume populated by a ConfigMap)\n    Name:\t{src.get('name', '')}\n"
               f"    Optional:\t{_flag(src.get('optional'))}\n")


def _pointer(value: object, salt: str) -> str:
    """How v1.32 prints a *bool with %v: <nil>, or a heap address (made stable here)."""
    if value is None:
        return "<nil>"
    return f"0xc000{zlib.crc32(salt.encode()) & 0xFFFFFF:06x}"


def _projected(w: Writer, src: dict, name: str) -> None:
    # v1.32 still prints the Optional pointers raw (fixed in v1.33 by kubernetes#129457).
    w.write(2, "Type:\tProjected (a volume that contains injected data from multiple sources)\n")
    for i, source in enumerate(src.get("sources") or []):
        if source.get("secret") is not None:
            sec = source["secret"] or {}
            w.write(2, f"SecretName:\t{sec.get('name', '')}\n"
                       f"    SecretOptionalName:\t{_pointer(sec.get('optional'), f'{name}/{i}')}\n")
        elif source.get("downwardAPI") is not None:
            w.write(2, "DownwardAPI:\ttrue\n")
        elif source.get("configMap") is not None:
            cm = source["configMap"] or {}
            w.write(2, f"ConfigMapName:\t{cm.get('name', '')}\n"
                       f"    ConfigMapOptional:\t{_pointer(cm.get('optional'), f'{name}/{i}')}\n")
        elif source.get("serviceAccountToken") is not None:
            seconds = (source["serviceAccountToken"] or {}).get("expirationSeconds", 3600)
            w.write(2, f"TokenExpirationSeconds:\t{int(seconds)}\n")


def _pvc(w: Writer, src: dict, _name: str) -> None:
    w.write(2, "Type:\tPersistentVolumeClaim (a reference to a PersistentVolumeClaim in the same namespace)\n"
               f"    ClaimName:\t{src.get('claimName', '')}\n    ReadOnly:\t{_flag(src.get('readOnly'))}\n")


def _downward_api(w: Writer, src: dict, _name: str) -> None:
    w.write(2, "Type:\tDownwardAPI (a volume populated by information about the pod)\n    Items:\n")
    for item in src.get("items") or []:
        if item.get("fieldRef"):
            w.write(3, f"{item['fieldRef'].get('fieldPath', '')} -> {item.get('path', '')}\n")
        if item.get("resourceFieldRef"):
            w.write(3, f"{item['resourceFieldRef'].get('resource', '')} -> {item.get('path', '')}\n")


def _nfs(w: Writer, src: dict, _name: str) -> None:
    w.write(2, f"Type:\tNFS (an NFS mount that lasts the lifetime of a pod)\n    Server:\t{src.get('server', '')}\n"
               f"    Path:\t{src.get('path', '')}\n    ReadOnly:\t{_flag(src.get('readOnly'))}\n")


def _csi(w: Writer, src: dict, _name: str) -> None:
    w.write(2, f"Type:\tCSI (a Container Storage Interface (CSI) volume source)\n    Driver:\t{src.get('driver', '')}\n"
               f"    FSType:\t{src.get('fsType') or ''}\n    ReadOnly:\t{_flag(src.get('readOnly'))}\n")
    attrs = src.get("volumeAttributes") or {}
    w.write(2, "VolumeAttributes:\t")
    if not attrs:
        w.line("<none>")
    for i, key in enumerate(sorted(attrs)):
        if i:
            # kubectl indents the continuation twice over (each Write adds the level's prefix).
            w.write(2, "")
            w.write(2, "\t")
        line = f"{key}={go_value(attrs[key])}"
        w.write(2, (line[:140] + "...\n") if len(line) > 140 else line + "\n")


def _image(w: Writer, src: dict, _name: str) -> None:
    w.write(2, f"Type:\tImage (a container image or OCI artifact)\n    Reference:\t{src.get('reference', '')}\n"
               f"    PullPolicy:\t{src.get('pullPolicy') or ''}\n")


def _ephemeral(w: Writer, _src: dict, _name: str) -> None:
    w.write(2, "Type:\tEphemeralVolume (an inline specification for a volume that gets created and deleted "
               "with the pod)\n")


_PRINTERS = {
    "hostPath": _host_path, "emptyDir": _empty_dir, "secret": _secret, "configMap": _config_map,
    "persistentVolumeClaim": _pvc, "ephemeral": _ephemeral, "downwardAPI": _downward_api, "nfs": _nfs,
    "projected": _projected, "csi": _csi, "image": _image,
}
