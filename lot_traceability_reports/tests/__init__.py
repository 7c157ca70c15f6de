from . import test_install
from . import test_epcis_tools
from . import test_export_epcis
from . import test_export_fsma204
from . import test_export_jobs
from . import test_genealogy
from . import test_documents
from . import test_export_costing_recall
