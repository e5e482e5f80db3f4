"""kehoach: Vietnamese government plan documents -> research-grade dataset.

Data flow (one module per step):
    read -> normalize -> segment -> extract -> resolve -> export
"""

__version__ = "0.1.0"
