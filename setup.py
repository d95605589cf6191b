"""Build hook: the wheel carries the app's scripts as ``backprop/_app/`` (see backprop/io/launch.py).

Everything else is in pyproject.toml. ``streamlit run app.py`` in a checkout keeps using
the top-level app.py and pages/; an installed package has no checkout, so ``backprop app``
runs the copies this hook puts beside the package.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
APP_FILES = ("app.py", ".streamlit/config.toml", "pages/*.py")


class BuildWithApp(build_py):
    """build_py, then app.py, pages/*.py and .streamlit/config.toml into backprop/_app/."""

    def run(self) -> None:
        super().run()
        for pattern in APP_FILES:
            for source in sorted(HERE.glob(pattern)):
                target = Path(self.build_lib, "backprop", "_app", source.relative_to(HERE))
                self.mkpath(str(target.parent))
                self.copy_file(str(source), str(target))


setup(cmdclass={"build_py": BuildWithApp})
