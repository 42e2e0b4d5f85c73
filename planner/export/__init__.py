"""What ``planner solve`` hands to people: the schedule workbook, calendars, frab JSON.

Each writer returns bytes (the calendars: a mapping from relative path to bytes),
so an app can offer them as downloads without temporary files; a thin ``write_*``
function puts them in a folder. File-format libraries (openpyxl, icalendar) are
imported only in the module that writes that format.
"""
