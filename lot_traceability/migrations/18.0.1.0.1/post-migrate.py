def migrate(cr, version):
    """Reservation reads a lot's QC state on the lot itself: drop the copy quants kept of it (stock_quant's
    lot_qc_state), which any stock user could rewrite and every hold rewrote under the reservations."""
    cr.execute("ALTER TABLE stock_quant DROP COLUMN IF EXISTS lot_qc_state")
