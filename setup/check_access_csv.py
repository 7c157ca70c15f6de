"""Check ir.model.access.csv files: the header Odoo expects, complete rows, 0/1 permissions, unique ids."""

import csv
import sys

HEADER = ["id", "name", "model_id:id", "group_id:id", "perm_read", "perm_write", "perm_create", "perm_unlink"]


def check(path):
    errors = []
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    if not rows or rows[0] != HEADER:
        return [f"{path}: the header must be {','.join(HEADER)}"]
    seen = set()
    for number, row in enumerate(rows[1:], start=2):
        if len(row) != len(HEADER):
            errors.append(f"{path}:{number}: {len(row)} columns, expected {len(HEADER)}")
            continue
        if row[0] in seen:
            errors.append(f"{path}:{number}: duplicate id {row[0]}")
        seen.add(row[0])
        if not row[2]:
            errors.append(f"{path}:{number}: no model")
        if any(value not in ("0", "1") for value in row[4:]):
            errors.append(f"{path}:{number}: permissions must be 0 or 1")
    return errors


if __name__ == "__main__":
    problems = [error for path in sys.argv[1:] for error in check(path)]
    print("\n".join(problems))
    sys.exit(1 if problems else 0)
