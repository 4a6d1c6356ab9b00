"""Helper of tests/suites/admin.sh: parses metrics text with the Prometheus
project's Python client (Debian python3-prometheus-client), a parser
independent of the one that wrote it.

    python3 metrics.py text|openmetrics FILE

Prints the samples as JSON ([{"family", "type", "name", "labels", "value"}]);
exits 1 with the parser's error when the text does not parse. The
openmetrics parser is strict: "# EOF" last, counter samples NAME_total of a
family NAME, escaped label values."""
import json
import sys

from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_text


def main():
    mode, path = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as f:
        text = f.read()
    parse = parse_openmetrics if mode == "openmetrics" else parse_text
    out = []
    try:
        for fam in parse(text):
            for s in fam.samples:
                out.append({"family": fam.name, "type": fam.type, "name": s.name,
                            "labels": s.labels, "value": s.value})
    except Exception as e:  # the parsers raise ValueError and friends
        print("parse error: %s" % e, file=sys.stderr)
        return 1
    json.dump(out, sys.stdout)
    return 0


sys.exit(main())
