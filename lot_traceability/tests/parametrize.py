"""One test method per case, for Odoo's test runner and pytest alike.

Odoo's runner (``odoo-bin --test-enable``) and pytest-odoo both collect ``unittest`` test methods,
where ``pytest.mark.parametrize`` does not apply. ``parametrize`` marks a method with its cases and
``expand_cases`` (a class decorator) replaces it with one method per case, named
``<method>__<id>``: each case passes or fails on its own and is counted as a test by both runners.

    @expand_cases
    class TestDates(BaseCase):
        @parametrize([("991231", 1999), ("751231", 2075)])
        def test_century(self, yymmdd, year): ...

gives ``test_century__0`` and ``test_century__1`` (or the given ``ids``).
"""

import re


def parametrize(cases, ids=None):
    """Mark a test method to run once per case; a case is a tuple of arguments or one argument."""
    cases = list(cases)
    if ids is not None and len(ids) != len(cases):
        raise ValueError("parametrize: give one id per case")

    def mark(method):
        method._parametrize_cases = cases
        method._parametrize_ids = list(ids) if ids is not None else [str(index) for index in range(len(cases))]
        return method

    return mark


def _case_method(method, case):
    arguments = case if isinstance(case, tuple) else (case,)

    def run_case(self):
        return method(self, *arguments)

    run_case.__doc__ = method.__doc__
    run_case.__module__ = method.__module__
    return run_case


def expand_cases(cls):
    """Replace every ``@parametrize`` method of the class with one test method per case."""
    for name, method in list(vars(cls).items()):
        cases = getattr(method, "_parametrize_cases", None)
        if not cases:
            continue
        delattr(cls, name)
        for case_id, case in zip(method._parametrize_ids, cases, strict=True):
            case_name = f"{name}__{re.sub(r'[^0-9A-Za-z_]', '_', case_id)}"
            if hasattr(cls, case_name):
                raise ValueError(f"parametrize: two cases of {name} are named {case_name}")
            case_method = _case_method(method, case)
            case_method.__name__ = case_method.__qualname__ = case_name
            setattr(cls, case_name, case_method)
    return cls
