"""ceasefire: verify compliance with ceasefire agreements.

Data flows one way: agreement + sources -> Incident -> rules -> Finding -> outputs.
"""

__version__ = "0.1.0"
