package vecrl.env;

/**
 * The return (sum of undiscounted rewards) and length of one finished episode, put in the info map
 * under {@link RecordEpisodeStatistics#INFO_KEY} by {@link RecordEpisodeStatistics}.
 */
public record EpisodeStatistics(double episodeReturn, int length) {}
