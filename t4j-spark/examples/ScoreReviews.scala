// The t4j-spark README's spark-shell example, wrapped in an object so spark-submit can run it.
import io.t4j.spark._
import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.functions.col

object ScoreReviews {
  def main(args: Array[String]): Unit = {
    val spark = SparkSession.builder.getOrCreate()
    val reviews = spark.read.option("sep", "\t").option("header", "true").csv(args(1))
    val classifier = new T4jTextClassifier().setModel(args(0))
      .setInputCol("content").setOutputCol("sentiment").setBatchSize(64)
    classifier.transform(reviews).select(col("content"), col("sentiment.label"), col("sentiment.score")).show(5, false)
    println(s"scored ${classifier.transform(reviews).filter(col("sentiment").isNotNull).count()} rows")
    spark.stop()
  }
}
