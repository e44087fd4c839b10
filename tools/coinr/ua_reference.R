# Writes a COINr uncertainty analysis of COINr's own example coin (ASEM) in the replay format of
# `s3stresstest composite ua --design design.csv --weight-sets weights.csv`, with COINr's own
# per-replication scores, so that the replay can be checked against COINr itself.
#
# Usage: Rscript tools/coinr/ua_reference.R OUT_DIR [N] [SEED] [PIPELINE]
# PIPELINE `example` (default) is COINr's `build_example_coin()`; `default` is the raw ASEM data,
# COINr's default treatment, min-max [0, 100] and the arithmetic mean (the replay's `default`).
# Needs R and COINr 1.1.14 (not installed by the project: COINr comes from CRAN or its source).
# The three uncertain inputs of COINr's sensitivity vignette: noisy weights (levels 2 and 3,
# +-25 %), min-max [1, 100] or z-score (10, 2), arithmetic or geometric mean.

suppressPackageStartupMessages(library(COINr))

args <- commandArgs(trailingOnly = TRUE)
out <- if (length(args) >= 1) args[1] else "coinr-ua"
N <- if (length(args) >= 2) as.integer(args[2]) else 50L
seed <- if (length(args) >= 3) as.integer(args[3]) else 1L
pipeline <- if (length(args) >= 4) args[4] else "example"
dir.create(out, showWarnings = FALSE, recursive = TRUE)
set.seed(seed)

coin <- if (pipeline == "example") {
  build_example_coin(quietly = TRUE)
} else if (pipeline == "default") {
  coin <- new_coin(ASEM_iData, ASEM_iMeta, quietly = TRUE)
  coin <- Treat(coin, dset = "Raw")
  coin <- Normalise(coin, dset = "Treated")
  Aggregate(coin, dset = "Normalised")
} else {
  stop("PIPELINE is example or default")
}
noisy <- get_noisy_weights(
  w = coin$Meta$Weights$Original,
  noise_specs = data.frame(Level = c(2, 3), NoiseFactor = c(0.25, 0.25)),
  Nrep = N
)
norm_alts <- list(
  list(f_n = "n_minmax", f_n_para = list(c(1, 100))),
  list(f_n = "n_zscore", f_n_para = list(c(10, 2)))
)
specs <- list(
  Normalisation = list(Address = "$Log$Normalise$global_specs", Distribution = norm_alts, Type = "discrete"),
  Weights = list(Address = "$Log$Aggregate$w", Distribution = noisy, Type = "discrete"),
  Aggregation = list(Address = "$Log$Aggregate$f_ag", Distribution = c("a_amean", "a_gmean"), Type = "discrete")
)
res <- get_sensitivity(coin, SA_specs = specs, N = N, SA_type = "UA", dset = "Aggregated",
                       iCode = "Index", quietly = TRUE, check_addresses = FALSE)

norm <- res$Para$Normalisation
design <- data.frame(
  rep = seq_len(N),
  f_n = vapply(norm, function(x) x$f_n, ""),
  f_n_para = vapply(norm, function(x) paste(unlist(x$f_n_para), collapse = ","), ""),
  f_ag = unlist(res$Para$Aggregation),
  weight_set = seq_len(N)
)
write.csv(design, file.path(out, "design.csv"), row.names = FALSE)

w <- do.call(rbind, lapply(seq_len(N), function(i) {
  wi <- res$Para$Weights[[i]]
  data.frame(weight_set = i, iCode = wi$iCode, Level = wi$Level, Weight = wi$Weight)
}))
write.csv(w, file.path(out, "weights.csv"), row.names = FALSE)

scores <- res$Scores
long <- do.call(rbind, lapply(seq_len(N), function(i) {
  data.frame(uCode = scores$uCode, rep = i, Index = scores[[paste0("r_", i)]])
}))
write.csv(long, file.path(out, "scores_per_rep.csv"), row.names = FALSE)
write.csv(res$RankStats, file.path(out, "rank_stats.csv"), row.names = FALSE)
cat(sprintf("COINr %s: %d replications written to %s\n", as.character(packageVersion("COINr")), N, out))
