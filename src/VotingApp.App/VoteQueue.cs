using System.Diagnostics;
using System.Text.Json;
using VotingApp.Contracts;
using VotingApp.ServiceDefaults;

namespace VotingApp.App;

/// <summary>
/// Sends the votes of a crowd together (docs/http.md, "Votes sent together"): one round of requests to storage
/// is in flight per app process; a vote that comes meanwhile waits, and when that round ends the waiting votes
/// go as POST /api/votes/batch, as many to a body as storage accepts, each with its own token, so that storage
/// counts each once however often a batch is sent. A vote that finds nothing in flight goes alone as
/// POST /api/votes, as it always did. An app process has one track, so a batch never mixes tracks.
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
        public ActivityContext Span { get; } = Activity.Current?.Context ?? default;
        public TaskCompletionSource<VoteAnswer> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public Task<VoteAnswer> AddAsync(StorageClient client, BatchedVote vote)
    {
        Waiting? waiting = null;
        lock (_gate)
        {
            if (_sending)
            {
                // Captured now, sent later: a batch runs as its first vote's request (its trace, its forwarded headers).
                waiting = new Waiting(client, vote, ExecutionContext.Capture());
                _waiting.Enqueue(waiting);
            }
            else
            {
                _sending = true;
            }
        }

        return waiting?.Done.Task ?? SendAloneAsync(client, vote);
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

    /// <summary>
    /// Sends every vote that waited, in as many bodies as they need, all at once (so none waits for more than the
    /// round before it), each as its first vote's request; when all have answered, the votes that came meanwhile.
    /// </summary>
    private void SendNext()
    {
        var batches = new List<List<Waiting>>();
        lock (_gate)
        {
            if (_waiting.Count == 0)
            {
                _sending = false;
                return;
            }

            // A body is "[", then each vote followed by "," or "]".
            var size = 0;
            while (_waiting.TryDequeue(out var next))
            {
                if (batches.Count == 0 || size + next.Json.Length + 1 > RequestLimits.MaxBodyBytes)
                {
                    batches.Add([]);
                    size = 1;
                }

                batches[^1].Add(next);
                size += next.Json.Length + 1;
            }
        }

        Task.WhenAll(batches.Select(SendAsItsFirstVote)).ContinueWith(static (_, queue) => ((VoteQueue)queue!).SendNext(), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Sends a batch in its first vote's execution context and hands each vote its outcome.</summary>
    private static Task SendAsItsFirstVote(List<Waiting> batch)
    {
        Task<IReadOnlyList<VoteAnswer>> sent = null!;
        Activity? span = null;
        if (batch[0].Context is not { } context) sent = Send(batch);
        else ExecutionContext.Run(context, _ => (span, sent) = SendTraced(batch), null);
        return sent.ContinueWith((sent, state) =>
        {
            span?.Dispose();
            var batch = (List<Waiting>)state!;
            for (var i = 0; i < batch.Count; i++)
            {
                if (sent.IsCompletedSuccessfully) batch[i].Done.TrySetResult(sent.Result[i]);
                else batch[i].Done.TrySetException(sent.Exception!.InnerExceptions);
            }
        }, batch, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>
    /// In the first vote's trace, a span that links every vote it carries (their traces otherwise end at the app),
    /// as OpenTelemetry's messaging conventions link a batch to each message. Null when no exporter listens.
    /// </summary>
    private static (Activity?, Task<IReadOnlyList<VoteAnswer>>) SendTraced(List<Waiting> batch)
    {
        var span = batch.Count < 2 || !TelemetryExtensions.Spans.HasListeners() ? null
            : TelemetryExtensions.Spans.StartActivity("votes sent together", ActivityKind.Internal, default(ActivityContext),
                [new("voting.votes", batch.Count)], batch.Where(vote => vote.Span != default).Select(vote => new ActivityLink(vote.Span)));
        return (span, Send(batch));
    }

    private static async Task<IReadOnlyList<VoteAnswer>> Send(List<Waiting> batch) =>
        batch.Count == 1 ? [await batch[0].Client.SendAsync(batch[0].Vote)] : await batch[0].Client.SendBatchAsync(batch);
}
