"""Builds (or takes) the C library and puts it inside the package.

`pip install ./python` from a COSMA checkout runs `swift build -c release --product cosma-c` in
the checkout and ships `libcosma-c.so` with the package. With COSMA_LIBRARY set to a built
library, that file is shipped instead and nothing is built.
"""
import os
import shutil
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent


class BuildWithLibrary(build_py):
    def run(self):
        super().run()
        library = os.environ.get("COSMA_LIBRARY")
        if library:
            source = Path(library)
        else:
            if not (CHECKOUT / "Package.swift").exists():
                raise RuntimeError("not inside a COSMA checkout: set COSMA_LIBRARY to a built libcosma-c.so")
            subprocess.run(["swift", "build", "-c", "release", "--product", "cosma-c"], cwd=CHECKOUT, check=True)
            source = CHECKOUT / ".build" / "release" / "libcosma-c.so"
        if not source.exists():
            raise RuntimeError(f"{source} does not exist")
        target = Path(self.build_lib) / "cosma" / "_lib"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / "libcosma-c.so")


setup(cmdclass={"build_py": BuildWithLibrary})
