"""How a township lays out its registers, and the grids the writers turn into files.

A township keeps the same template month after month, so its style (columns, header
words, date habits, file format, extra sheets) is a function of the township's position
in the run and the seed: `habits` decides it, `headers` picks the column words, `style`
holds the result. `placement` turns rendered rows into a grid (`specs`) with title, info,
header, spacer, total and note rows, and records the Excel row number of every data row,
which the truth files use as lineage.
"""
