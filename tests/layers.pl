#!/usr/bin/perl
# layers.pl - the include direction of LAYERS, as TAP.
#   1. every folder with C sources is in LAYERS, and no header name is used twice
#   2. no #include points to a higher floor, or sideways to another room of
#      the same floor
#   3. docs/architecture.md draws the same floors ("floor N   folder/ ...")
# Usage: layers.pl SRCDIR
use strict;
use warnings;

my $src = shift // '.';
my (%floor, @folders);
open my $lf, '<', "$src/LAYERS" or die "$src/LAYERS: $!";
my $n = 0;
while (<$lf>) {
	s/#.*//;
	my @f = split;
	next unless @f;
	$n++;
	for (@f) { $floor{$_} = $n; push @folders, $_; }
}
close $lf;

my (@unplaced, @layout, @bad, %home, %drawn);
# Which folder holds each header; C files of folders not in LAYERS.
for my $top (qw(core tenants fcgi jobs ctl tools)) {
	next unless -d "$src/$top";
	open my $find, '-|', 'find', "$src/$top", '-name', '*.[ch]' or die "find: $!";
	while (my $p = <$find>) {
		chomp $p;
		(my $rel = $p) =~ s{^\Q$src\E/}{};
		(my $dir = $rel) =~ s{/[^/]+$}{};
		push @unplaced, "$rel: its folder $dir is not in LAYERS" unless $floor{$dir};
		next unless $rel =~ /\.h$/;
		(my $base = $rel) =~ s{.*/}{};
		push @layout, "$rel: header name $base is also $home{$base}" if $home{$base};
		$home{$base} //= $rel;
	}
	close $find;
}

for my $dir (@folders) {
	for my $file (sort glob("$src/$dir/*.[ch]")) {
		(my $rel = $file) =~ s{^\Q$src\E/}{};
		open my $fh, '<', $file or die "$file: $!";
		while (my $line = <$fh>) {
			next unless $line =~ /^\s*#\s*include\s+"([^"]+)"/;
			my $h = $1;
			(my $base = $h) =~ s{.*/}{};
			my $to = $home{$base} or next;
			(my $todir = $to) =~ s{/[^/]+$}{};
			next if $todir eq $dir;
			my ($a, $b) = ($floor{$dir}, $floor{$todir} // 0);
			if ($b > $a) {
				push @bad, "$rel:$.: includes $h of $todir (floor $b), above $dir (floor $a)";
			} elsif ($b == $a) {
				push @bad, "$rel:$.: includes $h of $todir, a room beside $dir on floor $a";
			}
		}
		close $fh;
	}
}

# The drawing in docs/architecture.md: "floor N   dir/   dir/", top floor first.
my @drawn;
if (open my $doc, '<', "$src/docs/architecture.md") {
	while (<$doc>) {
		next unless /^\s*floor\s+(\d+)\s+(.*)$/;
		my ($k, @d) = ($1, map { s{/$}{}r } split ' ', $2);
		for my $d (@d) {
			push @drawn, "docs/architecture.md:$.: $d on floor $k, LAYERS says "
			    . ($floor{$d} // 'nothing') if ($floor{$d} // 0) != $k;
		}
		$drawn{$_} = 1 for @d;
	}
	close $doc;
	push @drawn, "docs/architecture.md does not draw $_" for grep { !$drawn{$_} } @folders;
} else {
	push @drawn, "docs/architecture.md: $!";
}

print "1..3\n";
my $t = 0;
for ([ 'every C folder is in LAYERS, every header name is unique', @unplaced, @layout ],
     [ 'every #include points to its own folder or a lower floor (LAYERS)', @bad ],
     [ 'docs/architecture.md draws the floors of LAYERS', @drawn ]) {
	my ($name, @problems) = @$_;
	$t++;
	print @problems ? "not ok $t - $name\n" : "ok $t - $name\n";
	print "# $_\n" for @problems;
}
