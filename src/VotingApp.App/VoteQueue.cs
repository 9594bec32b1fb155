using System.Text.Json;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.App;

/// <summary>
/// Sends the votes of a crowd together (docs/http.md, "Votes sent together"): one request to storage is in
/// flight per app process; a vote that comes meanwhile waits, and when that request ends the waiting votes go
/// in one POST /api/votes/batch, as many as fit in a body storage accepts, each with its own token, so that
/// storage counts each once however often the batch is sent. A vote that finds nothing in flight goes alone
/// as POST /api/votes, as it always did. An app process has one track, so a batch never mixes tracks.
/// </summary>
public sealed class VoteQueue
{
    private readonly Lock _gate = new();
    private readonly Queue<Waiting> _waiting = new();
    private bool _sending;

    /// <summary>A vote waiting for the next batch, its JSON made before it queued, and the request it came with.</summary>
    internal sealed class Waiting(StorageClient client, BatchedVote vote, ExecutionContext? context)
    {
        public StorageClient Client { get; } = client;
        public BatchedVote Vote { get; } = vote;
        public byte[] Json { get; } = JsonSerializer.SerializeToUtf8Bytes(vote, VotingJsonContext.Default.BatchedVote);
        public ExecutionContext? Context { get; } = context;
        public TaskCompletionSource<VoteAnswer> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public Task<VoteAnswer> AddAsync(StorageClient client, BatchedVote vote)
    {
        Waiting waiting;
        lock (_gate)
        {
            if (!_sending)
            {
                _sending = true;
                return SendAloneAsync(client, vote);
            }

            // Captured now, sent later: a batch runs as its first vote's request (its trace, its forwarded headers).
            waiting = new Waiting(client, vote, ExecutionContext.Capture());
            _waiting.Enqueue(waiting);
        }

        return waiting.Done.Task;
    }

    /// <summary>Nothing was in flight: this vote goes alone and its caller awaits it, with no hand-over on the way back.</summary>
    private async Task<VoteAnswer> SendAloneAsync(StorageClient client, BatchedVote vote)
    {
        try
        {
            return await client.SendAsync(vote);
        }
        finally
        {
            SendNext();
        }
    }

    /// <summary>Sends the votes that waited, as many as fit in one body, as the first of them; when that ends, the next ones.</summary>
    private void SendNext()
    {
        var batch = new List<Waiting>();
        lock (_gate)
        {
            // The body is "[", each vote followed by "," or "]".
            var size = 1;
            while (_waiting.TryPeek(out var next) && (batch.Count == 0 || size + next.Json.Length + 1 <= RequestLimits.MaxBodyBytes))
            {
                size += next.Json.Length + 1;
                batch.Add(_waiting.Dequeue());
            }

            if (batch.Count == 0)
            {
                _sending = false;
                return;
            }
        }

        Task<IReadOnlyList<VoteAnswer>> sent = null!;
        var first = batch[0];
        if (first.Context is null) sent = Send(batch);
        else ExecutionContext.Run(first.Context, _ => sent = Send(batch), null);
        sent.ContinueWith(static (sent, state) =>
        {
            var (queue, batch) = ((VoteQueue, List<Waiting>))state!;
            for (var i = 0; i < batch.Count; i++)
            {
                if (sent.IsCompletedSuccessfully) batch[i].Done.TrySetResult(sent.Result[i]);
                else batch[i].Done.TrySetException(sent.Exception!.InnerExceptions);
            }

            queue.SendNext();
        }, (this, batch), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static async Task<IReadOnlyList<VoteAnswer>> Send(List<Waiting> batch) =>
        batch.Count == 1 ? [await batch[0].Client.SendAsync(batch[0].Vote)] : await batch[0].Client.SendBatchAsync(batch);
}
