# Scripts/package-python.sh writes the binary's version here in the wheel it builds.
__version__ = "0.0.0+source"
