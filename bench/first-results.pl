#!/usr/bin/perl
# Polls GET url every 5 ms until the page shows counts in its results line; prints the milliseconds since
# start_ms (epoch ms). One process that forks nothing: a poller that started curl, grep and date on every
# try took the two cores from the three services it was timing (bench/notes.md, ninth session).
#   perl bench/first-results.pl START_MS http://127.0.0.1:PORT/ TIMEOUT_SECONDS
use strict;
use warnings;
use IO::Select;
use IO::Socket::INET;
use Time::HiRes qw(time sleep);

my ($start_ms, $url, $timeout) = @ARGV;
my ($host, $port, $path) = $url =~ m{^http://([^/:]+):(\d+)(/.*)?$} or die "not an http://host:port/ url: $url\n";
$path //= '/';
my $deadline = $start_ms / 1000 + $timeout;
while (time < $deadline) {
  my $socket = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port, Proto => 'tcp', Timeout => 1);
  if ($socket) {
    print $socket "GET $path HTTP/1.0\r\nHost: $host:$port\r\n\r\n";
    my $response = read_all($socket, time + 1);
    close $socket;
    if ($response =~ /id="results"/ && $response !~ /unavailable/) {
      printf "%d\n", int(time * 1000) - $start_ms;
      exit 0;
    }
  }
  sleep 0.005;
}
die "no page with results within $timeout s of the start\n";

# The whole answer (HTTP/1.0: the server closes after it), or what came within the deadline, as curl -m 1 did.
sub read_all {
  my ($socket, $until) = @_;
  my $select = IO::Select->new($socket);
  my ($response, $chunk) = ('', '');
  while ((my $left = $until - time) > 0) {
    last unless $select->can_read($left);
    last unless sysread($socket, $chunk, 65536);
    $response .= $chunk;
  }
  return $response;
}
