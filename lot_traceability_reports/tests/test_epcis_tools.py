import json
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from odoo.tests import BaseCase, tagged

from ..tools import epcis

VECTORS = Path(__file__).parent / "data" / "epcis_hash_vectors.json"


@tagged("post_install", "-at_install")
class TestEpcisTools(BaseCase):
    def test_event_hash_matches_gs1_reference_implementation(self):
        """40 events (lot classes with escaped lots, fallback classes, SGLNs, PGLNs, business
        transactions, sources, destinations, ILMD, time zones) hashed by GS1's reference
        implementation (epcis-event-hash-generator 1.9.3); ours must give the same IDs."""
        vectors = json.loads(VECTORS.read_text())["vectors"]
        self.assertEqual(len(vectors), 40)
        for vector in vectors:
            with self.subTest(event=vector["event"]):
                self.assertEqual(epcis.event_hash_id(vector["event"]), vector["eventID"])

    def test_event_hash_ignores_event_id_and_field_order(self):
        event = json.loads(VECTORS.read_text())["vectors"][0]["event"]
        reordered = dict(reversed(list(event.items())), eventID="ni:///sha-256;0?ver=CBV2.0")
        self.assertEqual(epcis.event_hash_id(reordered), epcis.event_hash_id(event))

    def test_fast_paths_agree_with_the_general_ones(self):
        for text in ("WH/OUT/00012", "a<b>&c", "q?#%", "L 1", "Z(1)!*+,:;=_-.'", "plain"):
            self.assertEqual(epcis.escape_epc_component(text), quote(text, safe=epcis.EPC_SAFE_CHARACTERS))
        for moment in (datetime(2026, 1, 31, 23, 5, 9), datetime(2026, 7, 1, 0, 0, 0, 999600)):
            offset = epcis.format_offset(moment, moment + timedelta(hours=2))
            self.assertEqual(offset, "+02:00")
            local = epcis.format_time(moment.replace(microsecond=moment.microsecond // 1000 * 1000), "+00:00")
            self.assertEqual(
                epcis._utc_time(local),
                epcis.format_utc_time(moment.replace(microsecond=moment.microsecond // 1000 * 1000)),
            )
        self.assertEqual(epcis.format_offset(datetime(2026, 1, 1, 5), datetime(2026, 1, 1)), "-05:00")
        # Milliseconds rounded, as the reference implementation does, up to the next second.
        self.assertEqual(epcis.format_utc_time(datetime(2026, 1, 31, 23, 5, 9)), "2026-01-31T23:05:09.000Z")
        self.assertEqual(epcis.format_utc_time(datetime(2026, 7, 1, 0, 0, 0, 134400)), "2026-07-01T00:00:00.134Z")
        self.assertEqual(epcis.format_utc_time(datetime(2026, 7, 1, 0, 0, 0, 134600)), "2026-07-01T00:00:00.135Z")
        self.assertEqual(epcis.format_utc_time(datetime(2026, 12, 31, 23, 59, 59, 999600)), "2027-01-01T00:00:00.000Z")

    def test_identifiers(self):
        self.assertEqual(epcis.gtin14("4006381333931"), "04006381333931")
        self.assertIsNone(epcis.gtin14("4006381333932"), "wrong check digit")
        self.assertIsNone(epcis.gtin14("ABC"))
        self.assertEqual(epcis.lgtin_class("09506000134352", "L/1", 7), "urn:epc:class:lgtin:9506000.013435.L%2F1")
        self.assertEqual(epcis.sgln("9506000000008", 7), "urn:epc:id:sgln:9506000.00000.0")
        self.assertEqual(epcis.pgln("4012345000016", 9), "urn:epc:id:pgln:401234500.001")
        self.assertIsNone(epcis.gln13("4012345000017"))
        self.assertFalse(epcis.is_gs1_lot("LOT#1"), "'#' is outside GS1 character set 82")
        self.assertFalse(epcis.is_gs1_lot("X" * 21))
        with self.assertRaises(epcis.EPCISError):
            epcis.lgtin_class("09506000134352", "LOT 1", 7)
        with self.assertRaises(epcis.EPCISError):
            epcis.sgln("9506000000008", 13)
