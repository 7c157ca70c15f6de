from . import test_install
from . import test_recall
from . import test_recall_acknowledge
from . import test_recall_concurrency
from . import test_recall_recovery
from . import test_recall_tour
from . import test_recall_integrity
