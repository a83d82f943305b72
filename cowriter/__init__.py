"""cowriter: a terminal songwriting partner.

Importing this package is cheap on purpose: it loads no UI, audio, model or music library.
"""

__version__ = "0.1.0"
