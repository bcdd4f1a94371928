-- Why a table 二 figure was entered by hand although the catalogue computes it (the 规章 and
-- 规范性文件 rows): the report prints the reason as a note. Empty for every other figure.
ALTER TABLE figure_cells ADD COLUMN reason TEXT NOT NULL DEFAULT '';
