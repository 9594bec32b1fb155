using System.Net;
using System.Net.Sockets;

namespace VotingApp.ServiceDefaults;

/// <summary>ASPNETCORE_URLS / ASPNETCORE_HTTP_PORTS checked before Kestrel binds, so a bad or taken port is a message, not a stack trace.</summary>
public static class ListenSettings
{
    public static IEnumerable<string> Problems(IConfiguration configuration)
    {
        if (configuration["urls"] is { } urls && !string.IsNullOrWhiteSpace(urls))
        {
            foreach (var url in Split(urls))
            {
                BindingAddress address;
                try
                {
                    address = BindingAddress.Parse(url);
                }
                catch (FormatException)
                {
                    address = null!;
                }

                if (address is null || address.Scheme is not ("http" or "https") || address.Port is < 0 or > 65535)
                {
                    yield return $"ASPNETCORE_URLS='{url}' is not a URL to listen on, such as http://+:8080 or http://localhost:5101.";
                }
                else if (address.Port > 0 && IsInUse(address.Host, address.Port))
                {
                    yield return $"ASPNETCORE_URLS='{url}': port {address.Port} is already in use by another program; stop it or choose another port.";
                }
            }

            yield break;
        }

        if (configuration["http_ports"] is { } ports && !string.IsNullOrWhiteSpace(ports))
        {
            foreach (var text in Split(ports))
            {
                if (!int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
                {
                    yield return $"ASPNETCORE_HTTP_PORTS='{text}' is not a port number (1-65535), e.g. ASPNETCORE_HTTP_PORTS=8080.";
                }
                else if (IsInUse("*", port))
                {
                    yield return $"ASPNETCORE_HTTP_PORTS={port}: port {port} is already in use by another program; stop it or choose another, " +
                                 $"e.g. ASPNETCORE_HTTP_PORTS={(port == 65535 ? 8080 : port + 1)}.";
                }
            }
        }
    }

    /// <summary>Another listener holds the port where Kestrel would bind for this host (loopback, the address, or every address).</summary>
    public static bool IsInUse(string host, int port)
    {
        IPAddress[] addresses = host == "localhost" ? [IPAddress.Loopback, IPAddress.IPv6Loopback]
            : IPAddress.TryParse(host.Trim('[', ']'), out var ip) ? [ip]
            : [Socket.OSSupportsIPv6 ? IPAddress.IPv6Any : IPAddress.Any];
        return addresses.Any(address => IsInUse(address, port));
    }

    private static bool IsInUse(IPAddress address, int port)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !Socket.OSSupportsIPv6) return false;
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (address.Equals(IPAddress.IPv6Any)) socket.DualMode = true; // as Kestrel binds "*": IPv4 too
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen();
            return false;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return true;
        }
        catch (SocketException)
        {
            return false; // e.g. an address this machine does not have: Kestrel says so itself
        }
    }

    private static string[] Split(string list) => list.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
