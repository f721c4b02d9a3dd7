//! How one vLLM replica serves requests: continuous batching with a bounded batch, prefill before decode, a
//! waiting queue, and the end-to-end latency each request gets.
//!
//! The model, per replica:
//!
//! * **Admission.** Waiting requests join the running batch in arrival order while the batch holds fewer than
//!   `max_num_seqs` sequences and the KV cache can hold their prompt plus completion (reserved up front, so the
//!   model never preempts; vLLM allocates blocks as tokens are generated and preempts when it runs out, which
//!   this reservation approximates from the safe side). The rest wait: `vllm:num_requests_waiting`.
//! * **Prefill.** Each admitted prompt costs `input_tokens / prefill_tokens_per_second` seconds of engine time,
//!   during which decoding stalls (vLLM's chunked prefill interleaves the two; the total engine time is the same).
//! * **Decode.** Every running sequence gains one token per engine step, and a step with `b` sequences takes
//!   `decode_step_seconds + b × decode_step_seconds_per_sequence`: decoding a small model is bound by reading
//!   the weights once per step, plus a little per sequence for its KV cache. A request is done once it has its
//!   completion tokens; its latency is from arrival to that moment.
//!
//! All running sequences advance together, so the engine keeps a single "tokens decoded per sequence" clock and
//! each batch of requests finishes when the clock passes its start plus its completion length. Requests that
//! arrive in the same step at the same replica with the same size are held as one batch ([`Arrival::count`]),
//! which keeps a step's cost independent of the request rate.
//!
//! * **Context.** Each step also reads the KV cache of every running sequence: a step costs
//!   `decode_step_seconds_per_kv_token` for every token the running batch holds. The decode rate is worked out
//!   again whenever a request joins or leaves the batch.
//!
//! ## The figures
//!
//! [`super::calibration`] derives every figure from the recipe's model, its GPU and the vLLM release of its image,
//! and says how well that matches published measurements. [`ServingModel::a10_8b`] (the default when a plan gives
//! nothing better) is its figure for Llama 3.1 8B in bf16 on one A10 with a current vLLM: an estimate, since no
//! measurement of an A10 is in the fixture. A scenario may give its own [`ServingModel`].

use std::collections::VecDeque;

use serde::{Deserialize, Serialize};

use super::calibration;
use super::error::{Range, ScenarioError, Unit};
use super::load::Arrival;
use super::metrics::{LatencyBuckets, VllmCounters};
use super::scenario::check;

/// vLLM's `--max-num-seqs` default.
pub const DEFAULT_MAX_NUM_SEQS: u32 = 256;

/// The largest `max_num_seqs` of a scenario's serving model: 65 536, far beyond what a GPU's KV cache holds.
pub const MAX_NUM_SEQS: u32 = 65_536;

/// The most batches a replica's queue keeps apart. An overloaded open loop adds one batch per replica per step;
/// past this many (more than an hour of arrivals at 1 s steps, all far beyond any latency bound) an arrival joins
/// the last batch, with the count-weighted mean of arrival times and sizes, so that memory stays bounded over a
/// month. The mean latency of the merged requests is unchanged; only its spread is lost.
pub const MAX_WAITING_BATCHES: usize = 4096;

/// The serving model of one replica. See the module documentation for what each figure means.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ServingModel {
    /// The most sequences in the running batch (`--max-num-seqs`).
    pub max_num_seqs: u32,
    /// Tokens the KV cache holds.
    pub kv_cache_tokens: f64,
    /// Prompt tokens processed per second.
    pub prefill_tokens_per_second: f64,
    /// Duration of one decode step with a single sequence, in seconds.
    pub decode_step_seconds: f64,
    /// What each running sequence adds to a decode step, in seconds.
    pub decode_step_seconds_per_sequence: f64,
    /// What each token held in the running batch's KV cache adds to a decode step, in seconds (0 when absent).
    #[serde(default)]
    pub decode_step_seconds_per_kv_token: f64,
}

impl Default for ServingModel {
    fn default() -> Self {
        ServingModel::a10_8b()
    }
}

impl ServingModel {
    /// One A10 24 GB serving Llama 3.1 8B in bf16 with vLLM 0.8 or later (see the module documentation).
    #[must_use]
    pub fn a10_8b() -> Self {
        ServingModel::estimate("A10", 24, 1.0).unwrap_or(ServingModel {
            max_num_seqs: DEFAULT_MAX_NUM_SEQS,
            kv_cache_tokens: 30_000.0,
            prefill_tokens_per_second: 3900.0,
            decode_step_seconds: 0.0345,
            decode_step_seconds_per_sequence: 0.001,
            decode_step_seconds_per_kv_token: 0.0,
        })
    }

    /// An 8B model in bf16 with vLLM 0.8 or later on `gpu_share` GPUs of `model` with `memory_gb` each (a
    /// fraction for a MIG slice, more than one for tensor parallelism). `None` for a GPU without datasheet figures.
    #[must_use]
    pub fn estimate(model: &str, memory_gb: u32, gpu_share: f64) -> Option<Self> {
        let gpu = calibration::gpu_figures(model, memory_gb)?;
        if !(gpu_share.is_finite() && gpu_share > 0.0) {
            return None;
        }
        let shape = calibration::ModelShape::assumed_8b();
        let (share, tensor_parallel) = if gpu_share < 1.0 {
            (gpu_share, 1)
        } else {
            (1.0, gpu_share.floor().min(64.0) as u32)
        };
        Some(calibration::serving_model(&calibration::Replica {
            gpu,
            memory_gb,
            gpu_share: share,
            tensor_parallel,
            model: &shape,
            generation: calibration::Generation::V1,
            kv_cache_tokens: None,
        }))
    }

    /// Checks every figure against its bound: `max_num_seqs` from 1 to [`MAX_NUM_SEQS`], the KV cache from 1 to
    /// 10¹² tokens, prefill from 1 to 10⁹ tokens per second, a decode step from 1 µs to 60 s (and what each
    /// sequence adds from 0 to 60 s): beyond them the arithmetic of a step loses its meaning (a decode rate of
    /// 10³⁰⁰ tokens per second overflows).
    ///
    /// # Errors
    ///
    /// The first figure out of its bound, as a JSON pointer under `/serving`.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        check(
            "/serving/max_num_seqs",
            self.max_num_seqs,
            Range::between(1u64, MAX_NUM_SEQS, Unit::Sequences),
        )?;
        check(
            "/serving/kv_cache_tokens",
            self.kv_cache_tokens,
            Range::between(1u64, 1e12, Unit::Tokens),
        )?;
        check(
            "/serving/prefill_tokens_per_second",
            self.prefill_tokens_per_second,
            Range::between(1u64, 1e9, Unit::TokensPerSecond),
        )?;
        check(
            "/serving/decode_step_seconds",
            self.decode_step_seconds,
            Range::between(1e-6, 60u64, Unit::Seconds),
        )?;
        check(
            "/serving/decode_step_seconds_per_sequence",
            self.decode_step_seconds_per_sequence,
            Range::between(0u64, 60u64, Unit::Seconds),
        )?;
        check(
            "/serving/decode_step_seconds_per_kv_token",
            self.decode_step_seconds_per_kv_token,
            Range::between(0u64, 1u64, Unit::Seconds),
        )
    }

    /// The duration of a decode step with `sequences` running and `kv_tokens` held in their KV cache.
    #[must_use]
    pub fn step_seconds(&self, sequences: u32, kv_tokens: f64) -> f64 {
        self.decode_step_seconds
            + self.decode_step_seconds_per_sequence * f64::from(sequences)
            + self.decode_step_seconds_per_kv_token * kv_tokens.max(0.0)
    }

    /// The latency of one request alone on an idle replica: its prefill plus its decode at batch 1, reading on
    /// average its prompt and half its completion.
    #[must_use]
    pub fn unloaded_latency(&self, input_tokens: f64, output_tokens: f64) -> f64 {
        input_tokens / self.prefill_tokens_per_second
            + output_tokens * self.step_seconds(1, input_tokens + output_tokens / 2.0)
    }
}

/// Requests that finished together.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Completion {
    /// How many.
    pub count: u32,
    /// When, in seconds.
    pub at: f64,
    /// Their end-to-end latency, in seconds.
    pub latency: f64,
}

/// A batch of requests in the running batch.
#[derive(Clone, Copy, Debug)]
struct Running {
    count: u32,
    arrival: f64,
    input_tokens: f64,
    output_tokens: f64,
    start_clock: f64,
    finish_clock: f64,
    earliest_finish: f64,
}

/// One replica's engine: its queue, its running batch and its counters.
#[derive(Clone, Debug)]
pub struct Engine {
    /// The pod this engine runs in.
    pub pod: u32,
    /// Tokens decoded per sequence since the engine started.
    clock: f64,
    /// Sorted by `finish_clock`, the next to finish first (new requests usually finish last, so they are
    /// inserted at or near the back).
    running: VecDeque<Running>,
    waiting: VecDeque<Arrival>,
    running_sequences: u32,
    waiting_requests: u64,
    reserved_tokens: f64,
    input_in_batch: f64,
    start_clock_in_batch: f64,
    prefill_backlog_seconds: f64,
    /// Tokens per second per sequence for a batch size, remembered while the batch size holds.
    decode_rate_memo: (u32, f64),
    /// The metrics vLLM exposes.
    pub counters: VllmCounters,
}

impl Engine {
    /// An idle engine for `pod`.
    #[must_use]
    pub fn new(pod: u32) -> Self {
        Engine {
            pod,
            clock: 0.0,
            running: VecDeque::new(),
            waiting: VecDeque::new(),
            running_sequences: 0,
            waiting_requests: 0,
            reserved_tokens: 0.0,
            input_in_batch: 0.0,
            start_clock_in_batch: 0.0,
            prefill_backlog_seconds: 0.0,
            decode_rate_memo: (0, 0.0),
            counters: VllmCounters::default(),
        }
    }

    /// Queues arriving requests.
    pub fn enqueue(&mut self, arrival: Arrival) {
        if arrival.count == 0 {
            return;
        }
        self.waiting_requests += u64::from(arrival.count);
        if self.waiting.len() >= MAX_WAITING_BATCHES
            && let Some(back) = self.waiting.back_mut()
            && let Some(count) = back.count.checked_add(arrival.count)
        {
            let (a, b) = (f64::from(back.count), f64::from(arrival.count));
            let mean = |x: f64, y: f64| (x * a + y * b) / (a + b);
            *back = Arrival {
                count,
                at: mean(back.at, arrival.at),
                input_tokens: mean(back.input_tokens, arrival.input_tokens),
                output_tokens: mean(back.output_tokens, arrival.output_tokens),
            };
            return;
        }
        self.waiting.push_back(arrival);
    }

    /// `vllm:num_requests_running`.
    #[must_use]
    pub fn running(&self) -> u32 {
        self.running_sequences
    }

    /// `vllm:num_requests_waiting`.
    #[must_use]
    pub fn waiting(&self) -> u64 {
        self.waiting_requests
    }

    /// Requests in the engine, running or waiting.
    #[must_use]
    pub fn in_flight(&self) -> u64 {
        u64::from(self.running_sequences) + self.waiting_requests
    }

    /// `vllm:kv_cache_usage_perc`: tokens held by running sequences over the cache's capacity.
    #[must_use]
    pub fn kv_cache_usage(&self, model: &ServingModel) -> f64 {
        (self.held_tokens() / model.kv_cache_tokens).clamp(0.0, 1.0)
    }

    /// Tokens the running sequences hold: their prompts and what they decoded so far.
    fn held_tokens(&self) -> f64 {
        (self.input_in_batch + f64::from(self.running_sequences) * self.clock
            - self.start_clock_in_batch)
            .max(0.0)
    }

    /// Tokens per second each running sequence gets with the current batch and context, remembered for the steps
    /// in which nobody joins or leaves.
    fn decode_rate(&mut self, model: &ServingModel) -> f64 {
        let rate = 1.0 / model.step_seconds(self.running_sequences, self.held_tokens());
        self.decode_rate_memo = (self.running_sequences, rate);
        rate
    }

    /// Moves waiting requests into the running batch while the batch and the KV cache have room.
    fn admit(&mut self, model: &ServingModel) {
        while let Some(front) = self.waiting.front_mut() {
            let per_request = front.input_tokens + front.output_tokens;
            let seats = model.max_num_seqs.saturating_sub(self.running_sequences);
            let free = model.kv_cache_tokens - self.reserved_tokens;
            let fits = if f64::from(seats.min(front.count)) * per_request <= free {
                seats
            } else {
                (free / per_request).floor().max(0.0) as u32
            };
            // A request larger than the whole cache still runs alone rather than blocking the queue forever.
            let admitted = match fits.min(front.count) {
                0 if self.running_sequences == 0 => 1,
                0 => break,
                n => n,
            };
            let arrival = Arrival {
                count: admitted,
                ..*front
            };
            front.count -= admitted;
            if front.count == 0 {
                self.waiting.pop_front();
            }
            self.waiting_requests -= u64::from(admitted);
            self.start(model, arrival);
        }
    }

    fn start(&mut self, model: &ServingModel, arrival: Arrival) {
        let count = f64::from(arrival.count);
        let prefill = count * arrival.input_tokens / model.prefill_tokens_per_second;
        self.prefill_backlog_seconds += prefill;
        self.counters.prompt_tokens += count * arrival.input_tokens;
        self.running_sequences += arrival.count;
        self.reserved_tokens += count * (arrival.input_tokens + arrival.output_tokens);
        self.input_in_batch += count * arrival.input_tokens;
        self.start_clock_in_batch += count * self.clock;
        let entry = Running {
            count: arrival.count,
            arrival: arrival.at,
            input_tokens: arrival.input_tokens,
            output_tokens: arrival.output_tokens,
            start_clock: self.clock,
            finish_clock: self.clock + arrival.output_tokens,
            earliest_finish: arrival.at
                + model.unloaded_latency(arrival.input_tokens, arrival.output_tokens),
        };
        let mut position = self.running.len();
        while position > 0
            && self
                .running
                .get(position - 1)
                .is_some_and(|other| other.finish_clock > entry.finish_clock)
        {
            position -= 1;
        }
        self.running.insert(position, entry);
    }

    /// Serves `[t, t + dt)`: admits waiting requests, runs their prefill, decodes, and reports every request that
    /// finished, recording it in the latency histogram.
    #[inline]
    pub fn step(
        &mut self,
        model: &ServingModel,
        buckets: &LatencyBuckets,
        t: f64,
        dt: f64,
        finished: &mut Vec<Completion>,
    ) {
        // The common step: nothing waits, no prefill is owed, and nobody finishes; only the clock moves.
        if self.waiting.is_empty() && self.prefill_backlog_seconds <= 0.0 {
            if self.running_sequences == 0 {
                return;
            }
            let (sequences, rate) = self.decode_rate_memo;
            if sequences == self.running_sequences {
                let clock_end = self.clock + dt * rate;
                if self
                    .running
                    .front()
                    .is_some_and(|next| next.finish_clock > clock_end)
                {
                    self.clock = clock_end;
                    return;
                }
            }
        }
        self.step_events(model, buckets, t, dt, finished);
    }

    /// A step in which requests are admitted, prefilled or finished.
    fn step_events(
        &mut self,
        model: &ServingModel,
        buckets: &LatencyBuckets,
        t: f64,
        dt: f64,
        finished: &mut Vec<Completion>,
    ) {
        if !self.waiting.is_empty() {
            self.admit(model);
        }
        if self.running_sequences == 0 && self.prefill_backlog_seconds <= 0.0 {
            return;
        }
        let prefill = self.prefill_backlog_seconds.min(dt);
        self.prefill_backlog_seconds -= prefill;
        let decode_time = dt - prefill;
        if self.running_sequences == 0 || decode_time <= 0.0 {
            return;
        }
        let tokens = decode_time * self.decode_rate(model);
        let clock_end = self.clock + tokens;
        while let Some(next) = self.running.front().copied() {
            if next.finish_clock > clock_end {
                break;
            }
            self.running.pop_front();
            let into_step = ((next.finish_clock - self.clock) / tokens).clamp(0.0, 1.0);
            let at = (t + prefill + into_step * decode_time).max(next.earliest_finish);
            let latency = at - next.arrival;
            let count = f64::from(next.count);
            self.counters.observe(buckets, latency, next.count);
            self.counters.generation_tokens += count * next.output_tokens;
            self.running_sequences -= next.count;
            self.reserved_tokens -= count * (next.input_tokens + next.output_tokens);
            self.input_in_batch -= count * next.input_tokens;
            self.start_clock_in_batch -= count * next.start_clock;
            finished.push(Completion {
                count: next.count,
                at,
                latency,
            });
        }
        self.clock = clock_end;
        if self.running_sequences == 0 {
            // Exact zeros, so that rounding does not accumulate over a long run.
            self.reserved_tokens = 0.0;
            self.input_in_batch = 0.0;
            self.start_clock_in_batch = 0.0;
        }
        // Ready for the fast path of the next step.
        self.decode_rate(model);
    }

    /// Every request still in the engine, as batches, for when its pod goes away.
    pub fn abandon(&mut self) -> u64 {
        let lost = self.in_flight();
        self.running.clear();
        self.waiting.clear();
        self.running_sequences = 0;
        self.waiting_requests = 0;
        lost
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arrival(count: u32, at: f64, input: f64, output: f64) -> Arrival {
        Arrival {
            count,
            at,
            input_tokens: input,
            output_tokens: output,
        }
    }

    fn simple_model() -> ServingModel {
        ServingModel {
            max_num_seqs: 4,
            kv_cache_tokens: 10_000.0,
            prefill_tokens_per_second: 1_000.0,
            decode_step_seconds: 0.1,
            decode_step_seconds_per_sequence: 0.0,
            decode_step_seconds_per_kv_token: 0.0,
        }
    }

    fn run(engine: &mut Engine, model: &ServingModel, seconds: u32) -> Vec<Completion> {
        let buckets = LatencyBuckets::vllm();
        let mut done = Vec::new();
        for second in 0..seconds {
            engine.step(model, &buckets, f64::from(second), 1.0, &mut done);
        }
        done
    }

    #[test]
    fn a10_defaults_follow_the_derivation() {
        let model = ServingModel::a10_8b();
        // 16.06 GB / (600 GB/s × 0.90) = 29.7 ms of weights, plus 1.87 × 2.11 ms of CPU work: 33.7 ms per step.
        assert!(
            (model.decode_step_seconds - 0.033_69).abs() < 1e-4,
            "{model:?}"
        );
        // 2 × 8.03e9 FLOPs per token at 0.65 × 125 TFLOPS.
        assert!(
            (model.prefill_tokens_per_second - 5059.0).abs() < 2.0,
            "{model:?}"
        );
        assert!(
            (25_000.0..40_000.0).contains(&model.kv_cache_tokens),
            "{model:?}"
        );
        // One 512/512 request alone: 0.2 s prefill + 512 × ≈ 35 ms ≈ 18 s, well past the 5 s bound.
        let alone = model.unloaded_latency(512.0, 512.0);
        assert!((17.5..19.0).contains(&alone), "{alone}");
        let h100 = ServingModel::estimate("H100", 80, 1.0).unwrap();
        assert!(h100.decode_step_seconds < model.decode_step_seconds / 3.0);
        assert!(ServingModel::estimate("TPU", 16, 1.0).is_none());
    }

    #[test]
    fn one_request_takes_prefill_plus_decode() {
        // 100 prompt tokens at 1000/s = 0.1 s, then 20 tokens at 0.1 s each = 2 s → done at 2.1 s.
        let model = simple_model();
        let mut engine = Engine::new(0);
        engine.enqueue(arrival(1, 0.0, 100.0, 20.0));
        let done = run(&mut engine, &model, 4);
        assert_eq!(done.len(), 1);
        assert!((done[0].latency - 2.1).abs() < 1e-9, "{done:?}");
        assert_eq!(engine.counters.count, 1);
        assert_eq!(engine.in_flight(), 0);
    }

    #[test]
    fn full_batch_queues_the_rest() {
        // max 4 sequences: 6 requests → 4 run, 2 wait; the 2 start when the first 4 finish.
        let model = simple_model();
        let mut engine = Engine::new(0);
        engine.enqueue(arrival(6, 0.0, 0.001, 10.0));
        let buckets = LatencyBuckets::vllm();
        let mut done = Vec::new();
        engine.step(&model, &buckets, 0.0, 0.5, &mut done);
        assert_eq!((engine.running(), engine.waiting()), (4, 2));
        let done = run(&mut engine, &model, 4);
        let total: u32 = done.iter().map(|c| c.count).sum();
        assert_eq!(total, 6);
        let last = done.iter().map(|c| c.latency).fold(0.0, f64::max);
        assert!(
            last > 1.9,
            "the queued pair waited for a full decode: {last}"
        );
    }

    #[test]
    fn kv_cache_limits_admission_and_reports_usage() {
        let model = ServingModel {
            kv_cache_tokens: 250.0,
            ..simple_model()
        };
        let mut engine = Engine::new(0);
        engine.enqueue(arrival(3, 0.0, 50.0, 50.0)); // 100 tokens each: two fit in 250
        let buckets = LatencyBuckets::vllm();
        let mut done = Vec::new();
        engine.step(&model, &buckets, 0.0, 1.0, &mut done);
        assert_eq!((engine.running(), engine.waiting()), (2, 1));
        // 2 × 50 prompt tokens + 2 × 9 decoded (0.1 s prefill, 0.9 s decode) = 118 of 250.
        assert!((engine.kv_cache_usage(&model) - 118.0 / 250.0).abs() < 1e-9);
        assert_eq!(engine.abandon(), 3);
    }
}
