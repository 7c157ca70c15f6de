"""Repository-wide pytest options.

``--no-skips`` (set by setup/test) fails the run when any test was skipped: Odoo skips browser
tests when Chromium or its devtools connection is missing, and such a run must not pass.
"""


def pytest_addoption(parser):
    parser.addoption(
        "--no-skips",
        action="store_true",
        help="Fail the run when a test is skipped (setup/test sets it).",
    )


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = terminalreporter.stats.get("skipped", [])
    if config.getoption("--no-skips") and skipped:
        terminalreporter.write_line(
            f"{len(skipped)} tests were skipped (see above): with --no-skips that fails the run. "
            "Browser tests need Chromium (setup/install installs Debian's chromium) and pytest's --odoo-http.",
            red=True,
        )


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if session.config.getoption("--no-skips") and reporter and reporter.stats.get("skipped") and exitstatus == 0:
        session.exitstatus = 1
