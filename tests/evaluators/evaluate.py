"""Evaluates a flagd export with openfeature-flagd-core for a batch of users, in one process.

Usage: python3 evaluate.py REQUEST.json (the request and answer shapes of evaluate.js).
`errors` holds every record the evaluator logged at WARNING or above and every evaluation
that raised or ended in an error.
"""

import json
import logging
import sys

from openfeature.contrib.tools.flagd.core import FlagdCore
from openfeature.evaluation_context import EvaluationContext


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records = []

    def emit(self, record):
        self.records.append(f"{record.levelname.lower()}: {record.getMessage()}")


# Typed flags (PRODUCT.md section 8): each flag is resolved with the method of its values' type.
RESOLVE = {
    "boolean": lambda c, f, d, x: c.resolve_boolean_value(f, d, x),
    "string": lambda c, f, d, x: c.resolve_string_value(f, d, x),
    "number": lambda c, f, d, x: c.resolve_float_value(f, d, x),
    "object": lambda c, f, d, x: c.resolve_object_value(f, d, x),
}
TYPE_OK = {
    "boolean": lambda v: isinstance(v, bool),
    "string": lambda v: isinstance(v, str),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "object": lambda v: isinstance(v, dict),
}


def value_kind(config, flag):
    value = next(iter(config["flags"][flag]["variants"].values()))
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, str):
        return "string"
    if isinstance(value, (int, float)):
        return "number"
    return "object"


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        request = json.load(f)
    collect = Collect()
    logging.getLogger().addHandler(collect)
    core = FlagdCore()
    core.set_flags(request["config"])
    errors = []
    answers = []
    for user in request["users"]:
        ctx = EvaluationContext(targeting_key=user["key"], attributes=user["attributes"])
        row = []
        for flag in request["flags"]:
            kind = value_kind(request["config"], flag)
            try:
                r = RESOLVE[kind](core, flag, None, ctx)
            except Exception as e:  # noqa: BLE001 - every failure is a finding
                errors.append(f"{flag} for {user}: {type(e).__name__}: {e}")
                row.append(None)
                continue
            if r.error_code is not None or not TYPE_OK[kind](r.value):
                errors.append(f"{flag} for {user}: {r.error_code} {r.error_message}")
                row.append(None)
            else:
                row.append(r.value)
        answers.append(row)
    errors.extend(collect.records)
    sys.stdout.write(json.dumps({"answers": answers, "errors": errors}))


main()
