"""The keyplan domain: Key Account Development Plans in the M.O.S.T. form, pure Python."""
