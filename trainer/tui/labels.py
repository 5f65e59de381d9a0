"""The names of item kinds, one of them (a label) and many of them (a group), in the order shown."""

from __future__ import annotations

#: kind -> (label for one item, heading for a group), in the order kinds are listed everywhere.
KINDS = {
    "quiz": ("Quiz", "Quizzes"),
    "predict": ("Predict the outcome", "Predict the outcome"),
    "command": ("Command", "Commands"),
    "drill": ("Drill", "Drills"),
    "troubleshoot": ("Troubleshooting", "Troubleshooting"),
    "interview": ("Interview question", "Interview"),
}
KIND_LABELS = {kind: names[0] for kind, names in KINDS.items()}
KIND_GROUPS = {kind: names[1] for kind, names in KINDS.items()}
