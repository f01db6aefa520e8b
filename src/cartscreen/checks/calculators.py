"""Which calculator computes each instrument, and where its components live in the patient file.

Checks look instruments up here by the key they already use for the stated value, so an
instrument given as components is computed and one given as a total is read, with the same
check and the same trial file.
"""

from __future__ import annotations

from cartscreen.checks.derive import Calculator

# activity.<key> (stated total) ↔ activity.components.<key> (components)
SCORE_CALCULATORS: dict[str, Calculator] = {}

# diagnosis.classification.<key> (stated) ↔ diagnosis.components.<key> (components)
CLASSIFICATION_CALCULATORS: dict[str, Calculator] = {}
