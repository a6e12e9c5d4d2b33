-- 4 statements
BEGIN

SELECT id, title FROM book WHERE author_id = $1 AND title LIKE $2
-- arguments: 7, '%Dune%'

UPDATE book SET price = $1 WHERE id = $2
-- arguments: 9.5, 1

COMMIT
