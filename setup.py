"""Ships the built-in content packs (content/) inside the package as trainer/builtin_content."""

from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["trainer", "trainer.*"]) + ["trainer.builtin_content"],
    package_dir={"trainer.builtin_content": "content"},
    package_data={"trainer.engine": ["data/*.yaml"],
                  "trainer.builtin_content": ["*/*.yaml", "*/*/*.yaml", "*/*/*.md"]},
)
