"""Settings for the whole suite.

Hypothesis measures how long it takes to generate inputs and fails a test whose generation is
"too slow" or whose example overruns a deadline. Those timings measure the machine, not our code:
on a loaded 2-core CI runner they fail tests whose assertions all held. The properties are still
checked in full; only the timing checks are off.
"""

from hypothesis import HealthCheck, settings

settings.register_profile("ceasefire", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ceasefire")
