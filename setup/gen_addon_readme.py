"""Write each addon's README.rst from its readme/ fragments and manifest (OCA layout)."""

import ast
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
SECTIONS = [("DESCRIPTION.md", None), ("USAGE.md", "Usage"), ("CONTRIBUTORS.md", "Contributors")]


def render(addon):
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    title = manifest["name"]
    lines = ["=" * len(title), title, "=" * len(title), "", manifest["summary"], ""]
    lines += [
        f"| Version {manifest['version']} | License {manifest['license']} "
        f"| Status {manifest.get('development_status', 'Beta')} |",
        "",
    ]
    for filename, heading in SECTIONS:
        fragment = addon / "readme" / filename
        if not fragment.exists():
            continue
        if heading:
            lines += [heading, "=" * len(heading), ""]
        lines += [fragment.read_text().rstrip(), ""]
    lines += ["Maintainers", "===========", "", f"{manifest['author']}, {manifest['website']}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    check = "--check" in sys.argv
    stale = []
    for manifest_path in sorted(ROOT.glob("*/__manifest__.py")):
        addon = manifest_path.parent
        target = addon / "README.rst"
        content = render(addon)
        if check and (not target.exists() or target.read_text() != content):
            stale.append(str(target.relative_to(ROOT)))
        elif not check:
            target.write_text(content)
    if stale:
        print("README.rst out of date (run python3 setup/gen_addon_readme.py):", *stale)
    sys.exit(1 if stale else 0)
