"""Content packs: the model, the loader (problems carry file:line:col), grading and the linter."""

from .loader import LoadedPack, builtin_content_dir, load_pack, load_packs
from .model import Answer, Item, Lesson, Pack
from .source import Problem

__all__ = ["Answer", "Item", "Lesson", "LoadedPack", "Pack", "Problem", "builtin_content_dir", "load_pack",
           "load_packs"]
