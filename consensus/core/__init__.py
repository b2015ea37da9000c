"""Pure domain logic: no I/O, no framework imports; plain values in, plain values out."""
