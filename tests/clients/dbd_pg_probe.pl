# DBD::Pg (Perl DBI) catalog methods against one server: table_info, column_info, primary_key, foreign_key_info,
# statistics_info, and a prepared statement with a placeholder. Prints one line per row (fields joined by |).
# Usage: perl dbd_pg_probe.pl <port> <user> <password> <database>
use strict;
use warnings;
use DBI;

my ($port, $user, $password, $database) = @ARGV;
my $dbh = DBI->connect("dbi:Pg:dbname=$database;host=127.0.0.1;port=$port", $user, $password,
                       {RaiseError => 1, PrintError => 0, AutoCommit => 1});

sub rows {
    my ($label, $sth, @fields) = @_;
    return unless $sth;
    for my $row (@{$sth->fetchall_arrayref({})}) {
        print join("|", $label, map { defined $row->{$_} ? $row->{$_} : 'NULL' } @fields), "\n";
    }
}

rows('table', $dbh->table_info(undef, 'StandardUK', 'Cust%', 'TABLE'), qw(TABLE_SCHEM TABLE_NAME TABLE_TYPE REMARKS));
rows('column', $dbh->column_info(undef, 'StandardUK', 'Customers', undef),
     qw(COLUMN_NAME DATA_TYPE TYPE_NAME COLUMN_SIZE DECIMAL_DIGITS NULLABLE ORDINAL_POSITION pg_type));
print join("|", 'primary_key', $dbh->primary_key(undef, 'StandardUK', 'SalesOrderLines')), "\n";
rows('foreign_key', $dbh->foreign_key_info(undef, 'StandardUK', 'Currencies', undef, 'StandardUK', undef),
     qw(UK_TABLE_NAME UK_COLUMN_NAME FK_TABLE_NAME FK_COLUMN_NAME FK_NAME));
rows('statistics', $dbh->statistics_info(undef, 'StandardUK', 'SalesOrderLines', 0, 0),
     qw(INDEX_NAME COLUMN_NAME ORDINAL_POSITION NON_UNIQUE ASC_OR_DESC TYPE));
my $sth = $dbh->prepare('SELECT $1::int + 1 AS n, $2::text AS t');
$sth->execute(41, 'x');
print join("|", 'prepared', @{$sth->fetchrow_arrayref}, @{$sth->{NAME}}, @{$sth->{pg_type}}), "\n";
$dbh->disconnect;
