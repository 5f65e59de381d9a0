"""Ships the built-in content packs (content/) inside the package as trainer/builtin_content."""

from setuptools import find_namespace_packages, setup

# Each folder of content/ is a data-only package below trainer.builtin_content.
CONTENT = ["trainer.builtin_content"] + [f"trainer.builtin_content.{p}" for p in
                                         find_namespace_packages(where="content", exclude=["*__pycache__*"])]

setup(
    packages=find_namespace_packages(include=["trainer", "trainer.*"], exclude=["*__pycache__*"]) + CONTENT,
    package_dir={"trainer.builtin_content": "content"},
    package_data={"trainer.engine.data": ["*.yaml"], "trainer.tui": ["*.tcss"],
                  **{p: ["*.yaml", "*.md"] for p in CONTENT}},
)
