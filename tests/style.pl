#!/usr/bin/perl
# style.pl - the house rules that a machine can check (STYLE.md), as TAP:
#   1. no banned functions (sprintf, strcpy, strcat, strtok, atoi, gets, vsprintf)
#   2. every SQL statement on a school's table filters or sets tenant_id
#   3. only the reentrant FCGX_* calls (no fcgi_stdio.h); the include
#      direction itself is tests/layers.pl's
#   4. each .c file includes its own header first (where it has one)
# Usage: style.pl SRCDIR
use strict;
use warnings;

my $src = shift // '.';
my @dirs = map { "$src/$_" } qw(core tenants fcgi jobs ctl tools);
my @files;
for my $d (@dirs) {
	next unless -d $d;
	push @files, grep { -f } glob("$d/*.c"), glob("$d/*/*.c");
}

sub slurp { local $/; open my $f, '<', $_[0] or die "$_[0]: $!"; my $t = <$f>; close $f; $t }

# Tables that are not a school's: the registry, the test catalogue, migrations.
my %global = map { $_ => 1 } qw(tenants tests schema_migrations);

my (@banned, @sql, @deps, @first);
for my $f (@files) {
	my $t = slurp($f);
	(my $rel = $f) =~ s{^\Q$src\E/}{};
	my $code = $t;
	$code =~ s{/\*.*?\*/}{}gs;	# comments out
	while ($code =~ /\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|gets)\s*\(/g) {
		push @banned, "$rel: $1";
	}
	# SQL: adjacent string literals joined; a statement starts with a verb.
	my $joined = $code;
	$joined =~ s/"\s*(?:\n\s*)?(?:[A-Z_]+\s*)?"/ /g;
	while ($joined =~ /"((?:SELECT|INSERT|UPDATE|DELETE|REPLACE)\b[^"]*)"/g) {
		my $stmt = $1;
		my @tables = ($stmt =~ /\b(?:FROM|JOIN|INTO|UPDATE)\s+`?(\w+)/gi);
		my @school = grep { !$global{$_} && $_ !~ /^(?:j|JSON_TABLE)$/ } @tables;
		next unless @school;
		push @sql, "$rel: " . substr($stmt, 0, 90) unless $stmt =~ /tenant_id/;
	}
	if ($rel =~ m{^(core|tenants)/} && $code =~ /#include\s+<fcgiapp\.h>/) {
		push @deps, "$rel includes fcgiapp.h (HTTP is fcgi/'s)";
	}
	if ($code =~ /fcgi_stdio\.h/) {
		push @deps, "$rel uses fcgi_stdio.h (use the reentrant FCGX_* calls)";
	}
	(my $h = $f) =~ s/\.c$/.h/;
	if (-f $h) {
		(my $base = $h) =~ s{.*/}{};
		my ($firstinc) = $code =~ /#include\s+[<"]([^">]+)[">]/;
		push @first, "$rel: first include is $firstinc, not $base"
		    if defined $firstinc && $firstinc ne $base;
	}
}

my $n = 0;
sub report {
	my ($name, @bad) = @_;
	$n++;
	if (@bad) {
		print "not ok $n - $name\n";
		print "# $_\n" for @bad;
	} else {
		print "ok $n - $name\n";
	}
}
print "1..4\n";
report("no banned functions", @banned);
report("every SQL statement on a school's table carries tenant_id", @sql);
report("only fcgi/ and the programs speak FastCGI, never through fcgi_stdio.h", @deps);
report("each .c file includes its own header first", @first);
