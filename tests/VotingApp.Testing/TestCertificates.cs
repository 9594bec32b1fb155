namespace VotingApp.Testing;

/// <summary>
/// Certificates for TLS tests, made with openssl in a temporary folder: a certificate authority, a server
/// certificate it issued for 127.0.0.1 and localhost, and a second authority that issued nothing the
/// servers use (for "untrusted certificate" tests). Valid for two days; test-only, never committed.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private TestCertificates(string folder) => Folder = folder;

    public string Folder { get; }
    public string CaFile => Path.Combine(Folder, "ca.crt");
    public string ServerCertificateFile => Path.Combine(Folder, "server.crt");
    public string ServerKeyFile => Path.Combine(Folder, "server.key");
    public string UntrustedCaFile => Path.Combine(Folder, "untrusted-ca.crt");

    public static async Task<TestCertificates> CreateAsync()
    {
        var certificates = new TestCertificates(RepositoryPaths.NewTempFolder("certificates"));
        var openssl = ServerBinaries.Require("openssl", "openssl");
        var folder = certificates.Folder;
        await CertificateAuthorityAsync(openssl, folder, "ca", "VotingApp test CA");
        await CertificateAuthorityAsync(openssl, folder, "untrusted-ca", "VotingApp untrusted test CA");
        await File.WriteAllTextAsync(Path.Combine(folder, "server.ext"), """
            basicConstraints = CA:FALSE
            keyUsage = digitalSignature, keyEncipherment
            extendedKeyUsage = serverAuth
            subjectAltName = IP:127.0.0.1, DNS:localhost

            """);
        (await ChildProcess.RunAsync(openssl, ["req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
            "-keyout", certificates.ServerKeyFile, "-out", Path.Combine(folder, "server.csr")])).EnsureSuccess();
        (await ChildProcess.RunAsync(openssl, ["x509", "-req", "-days", "2", "-in", Path.Combine(folder, "server.csr"),
            "-CA", certificates.CaFile, "-CAkey", Path.Combine(folder, "ca.key"), "-CAcreateserial",
            "-extfile", Path.Combine(folder, "server.ext"), "-out", certificates.ServerCertificateFile])).EnsureSuccess();
        // The servers run as other users (MariaDB as mysql): they must be able to read the files.
        (await ChildProcess.RunAsync("chmod", ["-R", "a+rX", folder])).EnsureSuccess();
        return certificates;
    }

    private static async Task CertificateAuthorityAsync(string openssl, string folder, string name, string subject) =>
        (await ChildProcess.RunAsync(openssl, ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", $"/CN={subject}",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout", Path.Combine(folder, name + ".key"), "-out", Path.Combine(folder, name + ".crt")])).EnsureSuccess();

    public void Dispose() => RepositoryPaths.DeleteFolder(Folder);
}
