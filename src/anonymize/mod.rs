//! 匿名加工 (tokumei kakō, anonymization): generalization hierarchies, the k-anonymity /
//! l-diversity search over the full lattice with suppression, information-loss metrics and the
//! re-identification risk report. (Being written.)
