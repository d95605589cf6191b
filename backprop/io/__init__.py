r"""Input and output: uploads, exports and the command line."""
