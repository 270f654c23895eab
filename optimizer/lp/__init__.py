"""The linear program: built as arrays (model), solved by HiGHS or CBC (solve)."""
