"""Reading a large .xlsx sheet in pieces, so its rows can be used while the rest is still being parsed.

python-calamine parses a whole sheet before handing out its first row (seconds for 100,000 rows,
with the GIL released). Here the sheet's XML is inflated and cut between `<row>` elements;
consecutive pieces become the sheets of an .xlsx (the package's shared strings, styles
and workbook properties copied, so cells come out exactly as from the whole sheet) which calamine
parses one piece at a time on a helper thread, while the caller works through the rows of the
pieces before.

What it costs decided the sizes (bench/bench_xlsx_chunks.py). Opening a workbook parses its shared
strings (~0.15 s for 20 MB). The first workbook is in memory and small (up to `first_workbook_bytes`,
with only the shared strings up to the highest index its pieces use: strings are numbered in order of
first use, so that is a prefix; a wrong guess makes calamine report a missing index and the workbook
is rebuilt with all of them). Its first piece (the header search reads it several times) is kept; the
helper thread starts only when a reader goes past that piece and takes over the rest of the first
workbook, while a second helper writes the rest of the sheet as the pieces of a temporary .xlsx
(the spill file), which calamine opens once and reads a piece at a time. Where no temporary file can
be written, the rest goes into in-memory workbooks of up to `workbook_bytes` instead (each copied by
calamine and parsing the shared strings again: 0.2-0.4 s apiece for a 100,000-row 抖店 sheet).

Anything this reader does not expect makes `chunked_table` return None: the sheet is read whole.
The one way in is io/spreadsheet_readers.open_spreadsheet (import and the column-mapping preview).

Before calamine allocates for a sheet (whole, or a piece of it), the cell positions its XML gives are
checked (extent): a file claiming cells at XFD1048576 is refused instead of aborting the process.

Modules, by job:
  extent      how far a sheet's cells reach, refused beyond MAX_SHEET_CELLS
  formulas    formula cells saved without their result (handed out as such; a sheet in pieces is refused)
  long_numbers  long integers a program wrote exactly into number cells, read as their digits
  zip_parts   inflating a member in large steps, writing stored zips, a file over a list of parts
  members     the package: which member a sheet is, its opening, the copied parts, shared strings
  pieces      cutting the sheet XML between rows; rebuilt workbooks parsed a piece at a time
  spill       the rest of the sheet as a temporary .xlsx on disk
  producer    the helper thread that hands parsed pieces over
  table       ChunkedXlsxTable (the rows) and chunked_table (whether to read in pieces)
"""

from desktop_app.io.xlsx.extent import MAX_SHEET_CELLS, check_sheet
from desktop_app.io.xlsx.formulas import cells_to_mend
from desktop_app.io.xlsx.members import MIN_SHEET_BYTES, worksheet_names_if_large
from desktop_app.io.xlsx.table import ChunkedXlsxTable, chunked_table

__all__ = ["MAX_SHEET_CELLS", "MIN_SHEET_BYTES", "ChunkedXlsxTable", "cells_to_mend", "check_sheet",
           "chunked_table", "worksheet_names_if_large"]
