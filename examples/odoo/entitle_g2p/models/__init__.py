from . import decision
from . import program_mixin
from . import eligibility_manager
from . import entitlement_manager
