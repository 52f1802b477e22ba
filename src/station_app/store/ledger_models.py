"""Tables of the 台账 import layer. Filled in by the ledger issue."""
