def migrate(cr, version):
    """The demo data's XML ids end in _demo, as Odoo names its own (demo_product_milk is product_milk_demo):
    rename those of a database installed with the demo data before it is loaded again, so that the update
    finds its records instead of making a second demo and deleting the first."""
    cr.execute(
        """
        UPDATE ir_model_data
           SET name = CASE
                   WHEN name LIKE '%%\\_product\\_template'
                   THEN regexp_replace(name, '^demo_(.*)_product_template$', '\\1_demo_product_template')
                   ELSE regexp_replace(name, '^demo_(.*)$', '\\1_demo')
               END
         WHERE module = 'lot_traceability'
           AND name ~ '^demo_(partner|product|lot|numbering|category|bom|qc_spec)_'
        """
    )
