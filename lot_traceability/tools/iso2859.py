"""ISO 2859-1 (ANSI/ASQ Z1.4, MIL-STD-105E) single sampling by attributes, as pure Python.

Table 1 gives the sample size code letter of a lot size and an inspection level; Tables 2-A (normal),
2-B (tightened) and 2-C (reduced) give, per code letter and AQL, the sample size and the acceptance (Ac) and
rejection (Re) numbers, or an arrow: use the first sampling plan below (or above) it, whose sample size then
applies. A sample size equal to or above the lot size means 100 % inspection.

The master tables are diagonal: along a row, the plans step through a fixed series of acceptance numbers, one
AQL column at a time, starting where Ac = 0 sits for that code letter. They are written here as that structure
(checked cell by cell against the published tables in tests/test_qc_sampling.py):

* normal (2-A): Ac 0 at AQL index 14 - row (A at 6.5, J at 0.15, Q at 0.010), then an up arrow, a down arrow,
  then Ac 1, 2, 3, 5, 7, 10, 14, 21 (30 and 44 in rows A to E only), then up arrows;
* tightened (2-B): Ac 0 one column further right (row A has none: down arrows), two down arrows, then
  Ac 1, 2, 3, 5, 8, 12, 18 (27 and 41 in rows A to E only), then up arrows; row S (n = 3150, Ac 1 Re 2) takes
  the down arrows of row R;
* reduced (2-C, ISO 2859-1:1999, Re = Ac + 1): the normal plan of the same sample size and AQL (sample sizes
  2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800 for A to R).

No Odoo import: the models call it, the tests check it against published values.
"""

from dataclasses import dataclass
from math import isclose

LEVELS = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")
LETTERS = "ABCDEFGHJKLMNPQR"
SAMPLE_SIZES = (2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800, 1250, 2000)
REDUCED_SAMPLE_SIZES = (2, 2, 2, 3, 5, 8, 13, 20, 32, 50, 80, 125, 200, 315, 500, 800)
AQLS = (
    0.010,
    0.015,
    0.025,
    0.040,
    0.065,
    0.10,
    0.15,
    0.25,
    0.40,
    0.65,
    1.0,
    1.5,
    2.5,
    4.0,
    6.5,
    10,
    15,
    25,
    40,
    65,
    100,
    150,
    250,
    400,
    650,
    1000,
)
# The AQLs as the tables print them.
AQL_LABELS = (
    *("0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65", "1.0", "1.5"),
    *("2.5", "4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250", "400", "650", "1000"),
)
# Table 1: upper bound of each lot size range, then the code letter per level (S-1 .. III).
TABLE_1 = (
    (8, "AAAAAAB"),
    (15, "AAAAABC"),
    (25, "AABBBCD"),
    (50, "ABBCCDE"),
    (90, "BBCCCEF"),
    (150, "BBCDDFG"),
    (280, "BCDEEGH"),
    (500, "BCDEFHJ"),
    (1200, "CCEFGJK"),
    (3200, "CDEGHKL"),
    (10000, "CDFGJLM"),
    (35000, "CDFHKMN"),
    (150000, "DEGJLNP"),
    (500000, "DEGJMPQ"),
    (None, "DEHKNQR"),
)
NORMAL_SERIES = (1, 2, 3, 5, 7, 10, 14, 21, 30, 44)
TIGHTENED_SERIES = (1, 2, 3, 5, 8, 12, 18, 27, 41)
# Rows A to E carry the two largest acceptance numbers of their series; the rows below stop before them.
LONG_ROWS = 5
SEVERITIES = ("normal", "tightened", "reduced")
UP, DOWN = "up", "down"


class SamplingError(ValueError):
    """An input outside the standard's tables (lot size, level, AQL, count)."""


@dataclass(frozen=True)
class SamplingPlan:
    """A single sampling plan: what to sample from a lot and what the count decides."""

    lot_size: int
    level: str
    aql: float
    severity: str
    code_letter: str  # Table 1's letter for the lot size and level
    plan_letter: str  # the letter whose plan applies once the arrows are followed
    sample_size: int  # units to inspect (the lot size itself under 100 % inspection)
    accept: int  # Ac: accept the lot with this many nonconforming units or fewer
    reject: int  # Re: reject it with this many or more
    full_inspection: bool  # the plan's sample size is the lot size or above: inspect every unit

    def decide(self, nonconforming):
        """``"accept"`` if d <= Ac, ``"reject"`` if d >= Re."""
        nonconforming = check_count(nonconforming, self.sample_size)
        return "accept" if nonconforming <= self.accept else "reject"


def normalize_aql(aql):
    """The standard AQL equal to ``aql`` (a number or its text), else SamplingError."""
    try:
        value = float(aql)
    except (TypeError, ValueError):
        raise SamplingError(f"AQL {aql!r} is not a number.") from None
    for standard in AQLS:
        if isclose(value, standard, rel_tol=1e-9):
            return standard
    raise SamplingError(f"AQL {aql} is not in the standard's tables ({', '.join(AQL_LABELS)}).")


def aql_label(aql):
    return AQL_LABELS[AQLS.index(normalize_aql(aql))]


def check_lot_size(lot_size):
    if isinstance(lot_size, bool) or not isinstance(lot_size, int | float) or lot_size != int(lot_size):
        raise SamplingError(f"Lot size {lot_size!r} is not a whole number of units.")
    if lot_size < 1:
        raise SamplingError(f"Lot size {lot_size} is not in the standard's tables: a lot has 1 unit or more.")
    return int(lot_size)


def check_count(nonconforming, sample_size):
    if isinstance(nonconforming, bool) or not isinstance(nonconforming, int | float):
        raise SamplingError(f"The number of nonconforming units {nonconforming!r} is not a number.")
    if nonconforming != int(nonconforming) or nonconforming < 0:
        raise SamplingError(f"The number of nonconforming units ({nonconforming}) is a whole number, 0 or more.")
    if nonconforming > sample_size:
        raise SamplingError(
            f"{int(nonconforming)} nonconforming units is more than the {sample_size} units of the sample."
        )
    return int(nonconforming)


def code_letter(lot_size, level):
    """Table 1: the sample size code letter of ``lot_size`` at inspection ``level``."""
    lot_size = check_lot_size(lot_size)
    if level not in LEVELS:
        raise SamplingError(f"Inspection level {level!r} is not one of {', '.join(LEVELS)}.")
    column = LEVELS.index(level)
    for upper, letters in TABLE_1:
        if upper is None or lot_size <= upper:
            return letters[column]
    raise AssertionError("unreachable")


def _cell(severity, row, column):
    """One cell of a master table: ``(n, Ac, Re)``, UP or DOWN. Rows count from A = 0 (16 = tightened's S)."""
    if severity == "reduced":
        # The normal plan of the same sample size (rows A, B and C all sample 2 units, as normal row A).
        return _cell("normal", max(row - 2, 0), column)
    if severity == "tightened" and row == 16:
        return (3150, 1, 2)
    start = 14 - row if severity == "normal" else 15 - row
    series = NORMAL_SERIES if severity == "normal" else TIGHTENED_SERIES
    if row >= LONG_ROWS:
        series = series[:-2]
    offset = column - start
    n = SAMPLE_SIZES[row]
    if offset < 0:
        return DOWN
    if offset == 0:
        if severity == "tightened" and row == 0:
            return DOWN  # tightened row A has no Ac 0 plan: its arrow leads down to row D's Ac 1
        return (n, 0, 1)
    if offset in (1, 2):
        if severity == "tightened":
            return DOWN
        if offset == 2 and row == 15:
            return UP  # nothing below row R: its arrow leads up, to row P's Ac 0
        return UP if offset == 1 else DOWN
    index = offset - 3
    if index >= len(series):
        return UP
    return (n, series[index], series[index] + 1)


def _follow(severity, row, column):
    """The plan a cell gives, arrows followed: ``(row, n, Ac, Re)``."""
    seen = 0
    while True:
        cell = _cell(severity, row, column)
        if isinstance(cell, tuple):
            return row, *cell
        seen += 1
        if seen > 20:
            raise AssertionError("arrows loop")
        if cell == DOWN:
            row += 1
        elif row == 0:
            # Row A's up arrow (normal, AQL 10) has nothing above it: the row's own Ac 0 plan applies.
            column -= 1
        else:
            row -= 1


def sampling_plan(lot_size, level, aql, severity="normal"):
    """The single sampling plan of a lot: Table 1's code letter, then the master table of ``severity``."""
    lot_size = check_lot_size(lot_size)
    letter = code_letter(lot_size, level)
    aql = normalize_aql(aql)
    if severity not in SEVERITIES:
        raise SamplingError(f"Severity {severity!r} is not one of {', '.join(SEVERITIES)}.")
    row, n, accept, reject = _follow(severity, LETTERS.index(letter), AQLS.index(aql))
    if severity == "reduced":
        n = REDUCED_SAMPLE_SIZES[row]
    plan_letter = "S" if row == 16 else LETTERS[row]
    full = n >= lot_size
    return SamplingPlan(
        lot_size=lot_size,
        level=level,
        aql=aql,
        severity=severity,
        code_letter=letter,
        plan_letter=plan_letter,
        sample_size=min(n, lot_size),
        accept=accept,
        reject=reject,
        full_inspection=full,
    )


# ----------------------------------------------------------------------
# Switching rules (ISO 2859-1 clause 9) and skip-lot
# ----------------------------------------------------------------------


@dataclass
class SwitchingState:
    """Where a supplier's product stands after a sequence of lots."""

    severity: str = "normal"  # normal, tightened, reduced or discontinued
    recent: tuple = ()  # outcomes of the lots on normal inspection since it began (for 2 of 5)
    accepted_in_row: int = 0  # consecutive accepted lots (switch tightened -> normal, normal -> reduced)
    rejected_on_tightened: int = 0  # lots not accepted since tightened began (5 -> discontinue)
    skip_active: bool = False  # skip-lot in force
    skip_position: int = 0  # lots received since skip-lot began (every k-th is inspected)
    note: str = ""


def next_state(state, event, reduced_allowed=False, skip_after=0):
    """The state after one event: ``"accept"``, ``"reject"`` (an inspected lot), ``"skip"`` (a lot released by
    the skip-lot rule) or ``"resume"`` (QA resumes a discontinued inspection, on tightened inspection).

    * normal -> tightened when 2 of 5 or fewer consecutive lots on normal inspection are not accepted;
    * tightened -> normal after 5 consecutive accepted lots;
    * tightened -> discontinued when 5 lots in all are not accepted on tightened inspection;
    * normal -> reduced after 10 consecutive accepted lots, when the responsible authority approved reduced
      inspection (``reduced_allowed``: production steady), the classic rule, not the switching score;
    * reduced -> normal when a lot is not accepted;
    * skip-lot (``skip_after`` = N > 0) begins after N consecutive accepted lots on normal or reduced
      inspection, and ends on any rejection.
    """
    s = SwitchingState(**vars(state))
    s.note = ""
    if event == "resume":
        if s.severity != "discontinued":
            raise SamplingError("Only a discontinued inspection is resumed.")
        s.severity, s.rejected_on_tightened, s.accepted_in_row, s.recent = "tightened", 0, 0, ()
        s.note = "resumed on tightened inspection"
        return s
    if s.severity == "discontinued":
        raise SamplingError("Inspection is discontinued: QA resumes it before lots are inspected again.")
    if event == "skip":
        s.skip_position += 1
        s.note = "released by the skip-lot rule"
        return s
    if event not in ("accept", "reject"):
        raise SamplingError(f"Unknown sampling event {event!r}.")
    accepted = event == "accept"
    if s.skip_active:
        s.skip_position += 1
    s.accepted_in_row = s.accepted_in_row + 1 if accepted else 0
    if not accepted and s.skip_active:
        s.skip_active, s.skip_position = False, 0
        s.note = "skip-lot ended by a rejection; "
    if s.severity == "normal":
        s.recent = (*s.recent, event)[-5:]
        if s.recent.count("reject") >= 2:
            s.severity, s.recent, s.accepted_in_row, s.rejected_on_tightened = "tightened", (), 0, 0
            s.skip_active, s.skip_position = False, 0
            s.note += "2 of 5 or fewer consecutive lots not accepted: tightened inspection"
        elif reduced_allowed and s.accepted_in_row >= 10:
            s.severity, s.recent = "reduced", ()
            s.note += "10 consecutive lots accepted: reduced inspection"
    elif s.severity == "tightened":
        if not accepted:
            s.rejected_on_tightened += 1
            if s.rejected_on_tightened >= 5:
                s.severity = "discontinued"
                s.note += "5 lots not accepted on tightened inspection: inspection discontinued"
        elif s.accepted_in_row >= 5:
            s.severity, s.recent, s.accepted_in_row, s.rejected_on_tightened = "normal", (), 0, 0
            s.note += "5 consecutive lots accepted: normal inspection"
    elif s.severity == "reduced" and not accepted:
        s.severity, s.recent = "normal", ()
        s.note += "a lot not accepted on reduced inspection: normal inspection"
    if skip_after and not s.skip_active and s.severity in ("normal", "reduced") and s.accepted_in_row >= skip_after:
        s.skip_active, s.skip_position = True, 0
        s.note += f"{skip_after} consecutive lots accepted: skip-lot in force"
    s.note = s.note.strip("; ")
    return s


def is_skipped(state, skip_every):
    """Whether the next lot is released by the skip-lot rule: in force, every ``skip_every``-th lot (the k-th,
    2k-th, ...) is inspected, the others skipped."""
    return bool(state.skip_active and skip_every and skip_every > 1 and (state.skip_position + 1) % skip_every)


def replay(events, reduced_allowed=False, skip_after=0):
    """The states after each of ``events`` in order, from normal inspection."""
    state, states = SwitchingState(), []
    for event in events:
        state = next_state(state, event, reduced_allowed=reduced_allowed, skip_after=skip_after)
        states.append(state)
    return states
