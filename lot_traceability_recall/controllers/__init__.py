from . import main
from . import gs1_resolver
