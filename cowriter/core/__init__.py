"""The pure core: pitch spelling, chord symbols, the Song model, notation, timing, theory, arrangement.

Nothing in this package performs I/O or imports a third-party library (see DESIGN.md; a test and an
import-linter contract keep it so).
"""
